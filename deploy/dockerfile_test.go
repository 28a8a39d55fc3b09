package deploy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, ...
	args string
}

// stage is one FROM and the instructions up to the next.
type stage struct {
	image, name  string
	instructions []instruction
}

// parseDockerfile splits a Dockerfile into stages. Comments, parser
// directives and blank lines are dropped; a line ending in a backslash
// continues on the next.
func parseDockerfile(text string) []stage {
	var stages []stage
	var logical []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if l, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(l + " ")
			continue
		}
		cur.WriteString(line)
		logical = append(logical, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		logical = append(logical, cur.String())
	}
	for _, l := range logical {
		cmd, args, _ := strings.Cut(l, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.Join(strings.Fields(args), " ")}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			f = slices.DeleteFunc(f, func(s string) bool { return strings.HasPrefix(s, "--platform") })
			st := stage{}
			if len(f) > 0 {
				st.image = f[0]
			}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].instructions = append(stages[len(stages)-1].instructions, in)
		}
	}
	return stages
}

// runCommand strips RUN flags (--mount=..., --network=...) from a RUN.
func runCommand(args string) string {
	f := strings.Fields(args)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") {
		f = f[1:]
	}
	return strings.Join(f, " ")
}

var makeTarget = regexp.MustCompile(`^([A-Za-z0-9_.-]+)\s*:([^=].*)?$`)

// makeTargets returns the targets of a Makefile and their prerequisites.
func makeTargets(makefile string) map[string][]string {
	targets := map[string][]string{}
	for _, line := range strings.Split(makefile, "\n") {
		if m := makeTarget.FindStringSubmatch(line); m != nil {
			targets[m[1]] = strings.Fields(m[2])
		}
	}
	return targets
}

// makeDefault returns the value a Makefile gives a variable with
// `export NAME ?= value` or `NAME ?= value`.
func makeDefault(makefile, name string) string {
	re := regexp.MustCompile(`(?m)^(?:export\s+)?` + regexp.QuoteMeta(name) + `\s*\??=\s*(.*)$`)
	if m := re.FindStringSubmatch(makefile); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// checkDockerfile: the build stage pins a Go image, sets the Makefile's
// GOPROXY and GOFLAGS and builds with `make build` (a target of the
// Makefile, which `make test` in CI builds too); the final stage is another
// image, runs as a non-root numeric user, and copies bin/otelcol-webhook
// from the build stage and runs it.
func checkDockerfile(dockerfile, makefile string) []error {
	var errs []error
	stages := parseDockerfile(dockerfile)
	if len(stages) < 2 {
		return []error{fmt.Errorf("want a multi-stage build, got %d stage(s)", len(stages))}
	}
	build, final := stages[0], stages[len(stages)-1]

	repo, tag, ok := strings.Cut(build.image, ":")
	if repo != "golang" || !ok || tag == "" || tag == "latest" {
		errs = append(errs, fmt.Errorf("build stage image %q: want golang pinned by tag", build.image))
	}
	if build.name == "" {
		errs = append(errs, fmt.Errorf("build stage has no name (FROM ... AS build)"))
	}
	targets := makeTargets(makefile)
	var made []string
	env := map[string]string{}
	for _, in := range build.instructions {
		switch in.cmd {
		case "RUN":
			cmd := runCommand(in.args)
			for _, part := range strings.Split(cmd, "&&") {
				f := strings.Fields(part)
				if len(f) >= 2 && f[0] == "make" {
					made = append(made, f[1:]...)
				}
			}
		case "ENV":
			for _, kv := range strings.Fields(in.args) {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = strings.Trim(v, `"`)
				}
			}
		}
	}
	if !slices.Contains(made, "build") {
		errs = append(errs, fmt.Errorf("build stage does not run `make build` (runs make %v)", made))
	}
	for _, target := range made {
		if _, ok := targets[target]; !ok {
			errs = append(errs, fmt.Errorf("build stage runs `make %s`, which the Makefile does not define", target))
		}
	}
	if !slices.Contains(targets["test"], "build") {
		errs = append(errs, fmt.Errorf("the Makefile's test target (what CI runs) does not build with the build target"))
	}
	for _, name := range []string{"GOPROXY", "GOFLAGS"} {
		if want := makeDefault(makefile, name); env[name] != want {
			errs = append(errs, fmt.Errorf("build stage %s=%q, the Makefile uses %q", name, env[name], want))
		}
	}

	if strings.HasPrefix(final.image, "golang") {
		errs = append(errs, fmt.Errorf("final stage image %q is the build image", final.image))
	}
	var user string
	var copied, entrypoint string
	for _, in := range final.instructions {
		switch in.cmd {
		case "USER":
			user = in.args
		case "COPY":
			f := strings.Fields(in.args)
			if len(f) == 3 && f[0] == "--from="+build.name && strings.HasSuffix(f[1], "/bin/otelcol-webhook") {
				copied = f[2]
			}
		case "ENTRYPOINT":
			entrypoint = in.args
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		errs = append(errs, fmt.Errorf("final stage USER %q: want a numeric non-root user", user))
	}
	if copied == "" {
		errs = append(errs, fmt.Errorf("final stage does not copy bin/otelcol-webhook from stage %q", build.name))
	} else if !strings.Contains(entrypoint, `"`+copied+`"`) {
		errs = append(errs, fmt.Errorf("ENTRYPOINT %s does not run %s", entrypoint, copied))
	}
	return errs
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDockerfileBuildsWithMake: deploy/Dockerfile builds the distribution
// the way CI does and ships it non-root; the manifests run the image as the
// same user; the build context leaves out local build output.
func TestDockerfileBuildsWithMake(t *testing.T) {
	dockerfile := readFile(t, "Dockerfile")
	makefile := readFile(t, filepath.Join("..", "Makefile"))
	requireNoErrors(t, checkDockerfile(dockerfile, makefile))

	ci := readFile(t, filepath.Join("..", ".ci", "run"))
	if !regexp.MustCompile(`(?m)^make test$`).MatchString(ci) {
		t.Error(".ci/run does not run `make test`")
	}

	stages := parseDockerfile(dockerfile)
	var user string
	for _, in := range stages[len(stages)-1].instructions {
		if in.cmd == "USER" {
			user = in.args
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	for name, b := range loadBundles(t) {
		for _, d := range b.deployments {
			for _, c := range allContainers(&d.Spec.Template.Spec) {
				if !isCollector(c) {
					continue
				}
				sc := c.SecurityContext
				if sc == nil || sc.RunAsUser == nil || strconv.FormatInt(*sc.RunAsUser, 10) != uid {
					t.Errorf("%s: %s/%s: runAsUser should be the image's USER %s", name, d.Name, c.Name, uid)
				}
			}
		}
	}

	ignore := strings.Fields(readFile(t, "Dockerfile.dockerignore"))
	for _, want := range []string{"bin/", "build/", ".tools/"} {
		if !slices.Contains(ignore, want) {
			t.Errorf("Dockerfile.dockerignore does not exclude %s", want)
		}
	}
}

// TestDockerfileCheckCanFail: the check refuses Dockerfiles that do not use
// the make target, run as root, or do not ship the binary.
func TestDockerfileCheckCanFail(t *testing.T) {
	makefile := readFile(t, filepath.Join("..", "Makefile"))
	good := readFile(t, "Dockerfile")
	cases := []struct{ old, new, want string }{
		{"    make build\n", "    go build ./...\n", "does not run `make build`"},
		{"    make build\n", "    make build dist\n", "`make dist`, which the Makefile does not define"},
		{"USER 65532:65532\n", "USER 0:0\n", "want a numeric non-root user"},
		{"USER 65532:65532\n", "", "want a numeric non-root user"},
		{"COPY --from=build /src/bin/otelcol-webhook /otelcol-webhook\n", "COPY bin/otelcol-webhook /otelcol-webhook\n", "does not copy bin/otelcol-webhook"},
		{`ENTRYPOINT ["/otelcol-webhook"]`, `ENTRYPOINT ["/bin/sh"]`, "does not run /otelcol-webhook"},
		{"FROM golang:1.26 AS build\n", "FROM golang AS build\n", "want golang pinned by tag"},
		{"GOPROXY=https://proxy.golang.org", "GOPROXY=direct", `GOPROXY="direct"`},
		{"FROM gcr.io/distroless/static-debian12:nonroot\n", "", "want a multi-stage build"},
	}
	for _, tc := range cases {
		if strings.Count(good, tc.old) != 1 {
			t.Fatalf("Dockerfile must contain %q once", tc.old)
		}
		errs := checkDockerfile(strings.Replace(good, tc.old, tc.new, 1), makefile)
		requireErrorContaining(t, errs, tc.want)
	}
	// A Makefile whose test target (what CI runs) does not build.
	requireErrorContaining(t, checkDockerfile(good, "export GOPROXY ?= https://proxy.golang.org\nexport GOFLAGS ?= -buildvcs=false\nbuild:\n\tocb\ntest: vet unit-test\n"), "does not build with the build target")
}
