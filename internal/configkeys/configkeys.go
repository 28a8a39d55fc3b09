// Package configkeys finds configuration keys that no field reads.
//
// confighttp's ServerConfig and ClientConfig unmarshal with
// confmap.WithIgnoreUnused, because they are meant to be squashed into a
// component's config. That makes every key of a config that squashes them
// optional to spell right: `requird_headers:` would be accepted and the
// receiver would run without authentication. Check restores the strictness
// the collector has for every other component.
package configkeys // import "github.com/otelcol-webhook/otelcol-webhook/internal/configkeys"

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/confmap"
)

const optionalPkg = "go.opentelemetry.io/collector/config/configoptional"

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// Check returns an error naming every key of conf, at any depth, that no
// mapstructure field of cfg's type (a pointer to a struct) would read.
func Check(conf *confmap.Conf, cfg any) error {
	var unknown []string
	walk("", conf.ToStringMap(), reflect.TypeOf(cfg).Elem(), false, &unknown)
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("unknown configuration keys (misspelt?): %s", strings.Join(unknown, ", "))
}

func walk(prefix string, raw map[string]any, t reflect.Type, optional bool, unknown *[]string) {
	fields := map[string]reflect.Type{}
	collect(t, fields)
	for key, value := range raw {
		name := strings.ToLower(key)
		ft, ok := fields[name]
		if !ok {
			if optional && name == "enabled" {
				continue
			}
			*unknown = append(*unknown, prefix+key)
			continue
		}
		sub, isMap := value.(map[string]any)
		if !isMap {
			continue
		}
		if st, opt := structOf(ft); st != nil {
			walk(prefix+key+"::", sub, st, opt, unknown)
			continue
		}
		// A map of sections (the receiver's webhooks routes): each entry.
		if ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String {
			if st, opt := structOf(ft.Elem()); st != nil {
				for name, entry := range sub {
					if m, ok := entry.(map[string]any); ok {
						walk(prefix+key+"::"+name+"::", m, st, opt, unknown)
					}
				}
			}
		}
	}
}

// collect adds the mapstructure names of t's fields, following squashed
// fields, with their types.
func collect(t reflect.Type, fields map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "squash") {
			if st, _ := structOf(f.Type); st != nil {
				collect(st, fields)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[strings.ToLower(name)] = f.Type
	}
}

// structOf returns the struct type whose fields a nested section of type t
// is read into, and whether t is a configoptional.Optional (which also reads
// "enabled"). It returns nil for values read as a whole: scalars, maps,
// slices and types with their own text form.
func structOf(t reflect.Type) (reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.PkgPath() == optionalPkg && strings.HasPrefix(t.Name(), "Optional[") {
		get, ok := reflect.PointerTo(t).MethodByName("Get")
		if !ok {
			return nil, false
		}
		inner, _ := structOf(get.Type.Out(0))
		return inner, true
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil, false
	}
	return t, false
}
