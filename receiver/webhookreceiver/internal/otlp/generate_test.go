package otlp

import (
	"flag"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// gen writes random OTLP-shaped JSON: every field pdata reads, under both
// of its names, repeated, null, of the wrong type, and next to unknown
// fields; values in every form pdata reads and many it refuses. The byte
// fuzzer rarely gets this deep into the structure; this walks it on purpose.
type gen struct {
	r *rand.Rand
	b strings.Builder
	// weird is how often a value takes a form pdata may refuse: 0 for most
	// bodies, so that pdata reads them and the comparison is exact.
	weird float64
}

func (g *gen) one(opts ...string) string { return opts[g.r.IntN(len(opts))] }

// pick takes one of the first valid options, or any with g.weird.
func (g *gen) pick(valid int, opts ...string) string {
	if !g.chance(g.weird) {
		return opts[g.r.IntN(valid)]
	}
	return g.one(opts...)
}

func (g *gen) start() {
	g.b.Reset()
	g.weird = 0
	if g.chance(0.4) {
		g.weird = g.one2(0.01, 0.05, 0.2)
	}
}

func (g *gen) one2(opts ...float64) float64 { return opts[g.r.IntN(len(opts))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// object writes an object of fields, each written by its func, with
// repeats, unknown fields and a changed order now and then.
func (g *gen) object(fields map[string]func()) {
	if g.chance(g.weird / 4) {
		g.b.WriteString(g.one("null", "5", `"x"`, "[]", "true"))
		return
	}
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	// Map order is random; sort for determinism, then shuffle with g.r.
	sortStrings(names)
	g.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	g.b.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			g.b.WriteByte(',')
		}
		first = false
	}
	for _, n := range names {
		if g.chance(0.35) {
			continue
		}
		times := 1
		if g.chance(0.03) {
			times = 2
		}
		for range times {
			sep()
			g.b.WriteString(strconv.Quote(n))
			g.b.WriteByte(':')
			fields[n]()
		}
	}
	if g.chance(0.1) {
		sep()
		g.b.WriteString(`"unknownField":` + g.one(`{"a":[1,{"b":null}]}`, `"x"`, `12`, `[]`, `null`))
	}
	g.b.WriteByte('}')
}

func (g *gen) list(n int, item func()) {
	if g.chance(g.weird / 4) {
		g.b.WriteString(g.one("null", "{}", `"x"`, "3"))
		return
	}
	g.b.WriteByte('[')
	for i := range g.r.IntN(n + 1) {
		if i > 0 {
			g.b.WriteByte(',')
		}
		if g.chance(0.01) {
			g.b.WriteString("null")
			continue
		}
		item()
	}
	g.b.WriteByte(']')
}

func (g *gen) str() {
	g.b.WriteString(g.pick(8, `"chat"`, `""`, `"a\"b\\c"`, `"\u00e9t\u00E9"`, `"\uD83D\uDE00"`, `"\uD800\uD800\uDC00"`,
		`"\uDE00x"`, `"\uD800\n"`, `"gen_ai.prompt"`, `"\/slash"`, `null`, "\"caf\xc3\xa9\"", `12`, `true`, `{"o":1}`))
}

func (g *gen) id(size int) {
	hex := strings.Repeat("0123456789abcdef", 4)[:2*size]
	g.b.WriteString(g.pick(3,
		`"`+hex+`"`, `"`+strings.ToUpper(hex)+`"`, `""`, `null`, `12`, `"abc123..."`, `"`+hex[:len(hex)-1]+`"`,
		`"`+hex+`0"`, `"\u0030`+hex[1:]+`"`, `"W46/95gDgQPSabYzgT/GDA=="`, `"7uGbfsPBsXQ="`, `{"x":1}`, `"zz`+hex[2:]+`"`))
}

func (g *gen) uint(bits int) {
	valid := []string{`0`, `7`, `"7"`, `4294967295`, `5000000000`, `"4294967295"`}
	if bits == 64 {
		valid = []string{`0`, `7`, `"7"`, `1768471200000000000`, `18446744073709551615`, `50000000000000000000`, `"18446744073709551615"`}
	}
	g.b.WriteString(g.pick(len(valid), append(valid, `" 7"`, `-1`, `"-1"`, `1.5`, `1e3`, `"1e3"`, `null`, `true`, `"x"`,
		`4294967296`, `"4294967296"`, `18446744073709551616`, `1.8446744073709552e19`, `"2024-01-15T10:00:01.5Z"`, `[1]`)...))
}

func (g *gen) enum(names ...string) {
	opts := append(append([]string{`0`, `2`, `99`, `-7`}, names...), `"2"`, `"client"`, `" Error "`, `"UNKNOWN"`, `null`, `1.5`, `2147483648`, `{}`)
	g.b.WriteString(g.pick(4+len(names), opts...))
}

func (g *gen) value(depth int) {
	if g.chance(g.weird / 2) {
		// Plain JSON, which pdata refuses.
		g.b.WriteString(g.one(`"plain"`, `5`, `0.5`, `false`, `[1,"a"]`, `{"k":"v"}`))
		return
	}
	fields := map[string]func(){
		g.one("stringValue", "string_value"): g.str,
		g.one("intValue", "int_value"): func() {
			g.b.WriteString(g.pick(6, `"512"`, `512`, `-9223372036854775808`, `"-9223372036854775808"`, `"+5"`, `"0005"`,
				`9223372036854775808`, `1.5`, `1e3`, `"1e3"`, `"n/a"`, `null`, `true`, `[1]`, `20000000000000000000`))
		},
		g.one("doubleValue", "double_value"): func() {
			g.b.WriteString(g.pick(11, `0.7`, `-0`, `"NaN"`, `"-Infinity"`, `"inf"`, `"0x1p-2"`, `5`, `1.7976931348623157e308`,
				`4.9e-324`, `123456789012345678901234567890`, `"1e5"`, `1e400`, `"1_0"`, `"free"`, `null`, `true`))
		},
		g.one("boolValue", "bool_value"): func() { g.b.WriteString(g.pick(2, `true`, `false`, `"true"`, `"maybe"`, `null`, `1`)) },
		g.one("bytesValue", "bytes_value"): func() {
			g.b.WriteString(g.pick(2, `"aGk="`, `""`, `"aGk"`, `"-_8"`, `"a\/b="`, `null`, `5`, `"!!"`))
		},
	}
	if g.chance(0.05) {
		fields["stringValueStrindex"] = func() { g.b.WriteString(g.pick(2, `3`, `"3"`, `1.5`)) }
	}
	if depth < 3 {
		fields[g.one("arrayValue", "array_value")] = func() {
			if g.chance(g.weird) {
				g.list(2, func() { g.value(depth + 1) })
				return
			}
			g.object(map[string]func(){"values": func() { g.list(3, func() { g.value(depth + 1) }) }})
		}
		fields[g.one("kvlistValue", "kvlist_value")] = func() {
			g.object(map[string]func(){"values": func() { g.attrs(depth + 1) }})
		}
	}
	g.object(fields)
}

func (g *gen) attrs(depth int) {
	if g.chance(g.weird / 4) {
		g.b.WriteString(`{"user.id":"u1","n":2}`)
		return
	}
	keys := []string{`"k"`, `"k2"`, `"gen_ai.usage.prompt_tokens"`, `"gen_ai.usage.cost"`, `"gen_ai.response.finish_reasons"`,
		`"gen_ai.request.max_tokens"`, `"webhook.original_trace_id"`, `"\u006b"`, `""`, `null`, `7`}
	g.list(4, func() {
		fields := map[string]func(){
			"key":   func() { g.b.WriteString(g.pick(9, keys...)) },
			"value": func() { g.value(depth) },
		}
		if g.chance(0.03) {
			fields["keyStrindex"] = func() { g.b.WriteString(g.one(`1`, `"1"`)) }
		}
		g.object(fields)
	})
}

func (g *gen) resource() {
	g.object(map[string]func(){
		"attributes": func() { g.attrs(0) },
		g.one("droppedAttributesCount", "dropped_attributes_count"): func() { g.uint(32) },
		g.one("entityRefs", "entity_refs"): func() {
			g.list(2, func() {
				g.object(map[string]func(){
					"type": g.str, g.one("schemaUrl", "schema_url"): g.str,
					g.one("idKeys", "id_keys"):                   func() { g.list(2, g.str) },
					g.one("descriptionKeys", "description_keys"): func() { g.list(2, g.str) },
				})
			})
		},
	})
}

func (g *gen) scope() {
	g.object(map[string]func(){
		"name": g.str, "version": g.str, "attributes": func() { g.attrs(0) },
		"droppedAttributesCount": func() { g.uint(32) },
	})
}

func (g *gen) span() {
	g.object(map[string]func(){
		g.one("traceId", "trace_id"):            func() { g.id(16) },
		g.one("spanId", "span_id"):              func() { g.id(8) },
		g.one("parentSpanId", "parent_span_id"): func() { g.id(8) },
		g.one("traceState", "trace_state"):      g.str,
		"flags":                                 func() { g.uint(32) },
		"name":                                  g.str,
		"kind":                                  func() { g.enum(`"SPAN_KIND_CLIENT"`, `"SPAN_KIND_SERVER"`) },
		g.one("startTimeUnixNano", "start_time_unix_nano"): func() { g.uint(64) },
		g.one("endTimeUnixNano", "end_time_unix_nano"):     func() { g.uint(64) },
		"attributes": func() { g.attrs(0) },
		g.one("droppedAttributesCount", "dropped_attributes_count"): func() { g.uint(32) },
		"events": func() {
			g.list(2, func() {
				g.object(map[string]func(){
					g.one("timeUnixNano", "time_unix_nano"): func() { g.uint(64) }, "name": g.str,
					"attributes": func() { g.attrs(0) }, "droppedAttributesCount": func() { g.uint(32) },
				})
			})
		},
		g.one("droppedEventsCount", "dropped_events_count"): func() { g.uint(32) },
		"links": func() {
			g.list(2, func() {
				g.object(map[string]func(){
					"traceId": func() { g.id(16) }, "spanId": func() { g.id(8) }, "traceState": g.str,
					"flags": func() { g.uint(32) }, "attributes": func() { g.attrs(0) },
					"droppedAttributesCount": func() { g.uint(32) },
				})
			})
		},
		g.one("droppedLinksCount", "dropped_links_count"): func() { g.uint(32) },
		"status": func() {
			g.object(map[string]func(){"message": g.str, "code": func() { g.enum(`"STATUS_CODE_ERROR"`, `"STATUS_CODE_OK"`) }})
		},
	})
}

func (g *gen) traces() string {
	g.start()
	g.object(map[string]func(){
		g.one("resourceSpans", "resource_spans"): func() {
			g.list(2, func() {
				g.object(map[string]func(){
					"resource": g.resource,
					g.one("scopeSpans", "scope_spans"): func() {
						g.list(2, func() {
							g.object(map[string]func(){"scope": g.scope, "spans": func() { g.list(3, g.span) }, "schemaUrl": g.str})
						})
					},
					g.one("deprecatedScopeSpans", "deprecated_scope_spans"): func() {
						g.list(1, func() { g.object(map[string]func(){"spans": func() { g.list(2, g.span) }}) })
					},
					g.one("schemaUrl", "schema_url"): g.str,
				})
			})
		},
	})
	return g.b.String()
}

func (g *gen) logs() string {
	g.start()
	record := func() {
		g.object(map[string]func(){
			g.one("timeUnixNano", "time_unix_nano"):                  func() { g.uint(64) },
			g.one("observedTimeUnixNano", "observed_time_unix_nano"): func() { g.uint(64) },
			g.one("severityNumber", "severity_number"): func() {
				if g.chance(g.weird) {
					g.b.WriteString(g.one(`"SEVERITY_NUMBER_TRACE"`, `"warn"`, `"Fatal2"`))
					return
				}
				g.enum(`"SEVERITY_NUMBER_WARN"`, `"SEVERITY_NUMBER_TRACE "`, `"SEVERITY_NUMBER_FATAL4"`)
			},
			g.one("severityText", "severity_text"): g.str,
			"body":                                 func() { g.value(0) },
			"attributes":                           func() { g.attrs(0) },
			"droppedAttributesCount":               func() { g.uint(32) },
			"flags":                                func() { g.uint(32) },
			g.one("traceId", "trace_id"):           func() { g.id(16) },
			g.one("spanId", "span_id"):             func() { g.id(8) },
			g.one("eventName", "event_name"):       g.str,
		})
	}
	g.object(map[string]func(){
		g.one("resourceLogs", "resource_logs"): func() {
			g.list(2, func() {
				g.object(map[string]func(){
					"resource": g.resource,
					g.one("scopeLogs", "scope_logs"): func() {
						g.list(2, func() {
							g.object(map[string]func(){"scope": g.scope, g.one("logRecords", "log_records"): func() { g.list(3, record) }})
						})
					},
					"deprecatedScopeLogs": func() {
						g.list(1, func() { g.object(map[string]func(){"logRecords": func() { g.list(2, record) }}) })
					},
				})
			})
		},
	})
	return g.b.String()
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

var (
	genBodies = flag.Int("gen.bodies", 4000, "TestDifferentialGenerated: bodies of each signal")
	genSeed   = flag.Uint64("gen.seed", 19, "TestDifferentialGenerated: seed of the generator")
)

// TestDifferentialGenerated runs the fuzz targets' check on generated
// bodies, the same ones every run (-gen.seed and -gen.bodies explore more).
func TestDifferentialGenerated(t *testing.T) {
	n := *genBodies
	if testing.Short() {
		n = 400
	}
	g := &gen{r: rand.New(rand.NewPCG(*genSeed, 1))}
	for i := range n {
		body := []byte(g.traces())
		t.Run("", func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("traces body %d: %s", i, body)
				}
			}()
			fuzzDecode(t, tracesDifferential, body)
		})
		body = []byte(g.logs())
		t.Run("", func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("logs body %d: %s", i, body)
				}
			}()
			fuzzDecode(t, logsDifferential, body)
		})
	}
}
