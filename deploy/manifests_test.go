package deploy

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// collectorBin is the built distribution: $OTELCOL_WEBHOOK_BIN, or
// ../bin/otelcol-webhook, built with `make -C .. build` when missing.
var collectorBin string

func TestMain(m *testing.M) {
	collectorBin = os.Getenv("OTELCOL_WEBHOOK_BIN")
	if collectorBin == "" {
		bin, err := filepath.Abs(filepath.Join("..", "bin", "otelcol-webhook"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		collectorBin = bin
		if _, err := os.Stat(bin); err != nil {
			cmd := exec.Command("make", "-C", "..", "build")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "building the distribution with `make -C .. build` failed: %v\n", err)
				os.Exit(1)
			}
		}
	}
	os.Exit(m.Run())
}

// loadBundles decodes every directory under kubernetes/.
func loadBundles(t *testing.T) map[string]*bundle {
	t.Helper()
	dirs, err := bundleDirs()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*bundle{}
	for _, dir := range dirs {
		b, err := loadBundle(dir)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(dir)] = b
	}
	return out
}

func loadOne(t *testing.T, name string) *bundle {
	t.Helper()
	b, err := loadBundle(filepath.Join(kubernetesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func requireNoErrors(t *testing.T, errs []error) {
	t.Helper()
	for _, err := range errs {
		t.Error(err)
	}
}

func requireErrorContaining(t *testing.T, errs []error, want string) {
	t.Helper()
	for _, err := range errs {
		if strings.Contains(err.Error(), want) {
			return
		}
	}
	t.Errorf("no error contains %q; got %v", want, errs)
}

// TestManifestsDecodeStrictly: every YAML document under kubernetes/ decodes
// into its typed Kubernetes object with no unknown or duplicate field, and
// each layout has the objects it needs.
func TestManifestsDecodeStrictly(t *testing.T) {
	bundles := loadBundles(t)

	// No YAML file outside the layout directories escapes the checks.
	err := filepath.WalkDir(kubernetesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return err
		}
		b := bundles[filepath.Base(filepath.Dir(p))]
		if b == nil || filepath.Dir(p) != b.dir || !slices.Contains(b.files, filepath.Base(p)) {
			t.Errorf("%s is not in a layout directory", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	want := map[string]struct{ deployments, services, configMaps, secrets, hpas, pdbs int }{
		"sidecar": {1, 1, 1, 1, 0, 0},
		"gateway": {3, 4, 2, 1, 1, 2}, // with the dedup Redis
	}
	for name, w := range want {
		b := bundles[name]
		if b == nil {
			t.Fatalf("no kubernetes/%s", name)
		}
		got := struct{ deployments, services, configMaps, secrets, hpas, pdbs int }{
			len(b.deployments), len(b.services), len(b.configMaps), len(b.secrets), len(b.hpas), len(b.pdbs),
		}
		if got != w {
			t.Errorf("%s: got %+v objects, want %+v", name, got, w)
		}
		if b.kustomization == nil {
			t.Errorf("%s: no kustomization.yaml", name)
		}
	}

	// The HPA scales the gateway tier, the one behind the headless Service.
	gw := bundles["gateway"]
	if len(gw.hpas) == 1 {
		target := gw.deployment(gw.hpas[0].Spec.ScaleTargetRef.Name)
		headless := gw.service("otelcol-webhook-gateway-headless")
		if target == nil || headless == nil || target.Name != "otelcol-webhook-gateway" || !selects(headless.Spec.Selector, target.Spec.Template.Labels) {
			t.Errorf("the HPA should scale otelcol-webhook-gateway, the Deployment behind the headless Service")
		}
	}
}

// TestDecodeRejectsTypos: a misspelt or repeated field, or an unknown kind,
// is an error naming it.
func TestDecodeRejectsTypos(t *testing.T) {
	cases := []struct {
		file, old, new, want string
	}{
		{"gateway/gateway-deployment.yaml", "          readinessProbe:\n", "          readinesProbe:\n", "readinesProbe"},
		{"sidecar/deployment.yaml", "              containerPort: 4319\n", "              containerPorts: 4319\n", "containerPorts"},
		{"gateway/gateway-hpa.yaml", "          averageUtilization: 70\n", "          averageUtilisation: 70\n", "averageUtilisation"},
		{"gateway/pdb.yaml", "  maxUnavailable: 1\n", "  maxUnavailable: 1\n  maxUnavailable: 2\n", "maxUnavailable"},
		{"sidecar/service.yaml", "      targetPort: webhook\n", "      targetport: webhook\n", "targetport"},
		{"sidecar/kustomization.yaml", "resources:\n", "resource:\n", "resource"},
		{"gateway/gateway-services.yaml", "kind: Service\nmetadata:\n  name: otelcol-webhook-gateway\n", "kind: Servic\nmetadata:\n  name: otelcol-webhook-gateway\n", `kind "Servic"`},
	}
	for _, tc := range cases {
		t.Run(tc.file+" "+tc.want, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(kubernetesDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(data), tc.old); n != 1 {
				t.Fatalf("%s contains %q %d times, want once", tc.file, tc.old, n)
			}
			dir := t.TempDir()
			broken := strings.Replace(string(data), tc.old, tc.new, 1)
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(tc.file)), []byte(broken), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = loadBundle(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decoding the broken copy: got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestManifestsSemantics runs every semantic check on every layout.
func TestManifestsSemantics(t *testing.T) {
	for name, b := range loadBundles(t) {
		t.Run(name, func(t *testing.T) {
			requireNoErrors(t, checkBundle(b))
			cols, errs := b.collectors()
			requireNoErrors(t, errs)
			if len(cols) == 0 {
				t.Fatal("no collector container")
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the ConfigMaps' config.yaml from examples/")

// configMapFiles are the ConfigMaps that carry a copy of an example, as
// their last key, config.yaml.
var configMapFiles = []struct{ dir, file, configMap, example string }{
	{"sidecar", "configmap.yaml", "example-app-otelcol", "sidecar.yaml"},
	{"gateway", "gateway-configmap.yaml", "otelcol-webhook-gateway", "gateway.yaml"},
	{"gateway", "loadbalancer-configmap.yaml", "otelcol-webhook-loadbalancer", "gateway-loadbalancer.yaml"},
}

// TestConfigMapsAreTheExamples: each ConfigMap holds, byte for byte, the
// example it says it copies, so examples/ and the manifests cannot drift.
// After changing an example: go test -run TestConfigMapsAreTheExamples -update
func TestConfigMapsAreTheExamples(t *testing.T) {
	for _, tc := range configMapFiles {
		want := readFile(t, filepath.Join("..", "examples", tc.example))
		if *update {
			path := filepath.Join(kubernetesDir, tc.dir, tc.file)
			text := readFile(t, path)
			head, _, ok := strings.Cut(text, "\n  config.yaml: |\n")
			if !ok {
				t.Fatalf("%s has no config.yaml block", path)
			}
			var body strings.Builder
			for _, line := range strings.SplitAfter(want, "\n") {
				if strings.TrimSpace(line) != "" {
					body.WriteString("    ")
				}
				body.WriteString(line)
			}
			if err := os.WriteFile(path, []byte(head+"\n  config.yaml: |\n"+body.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cm := loadOne(t, tc.dir).configMap(tc.configMap)
		if cm == nil {
			t.Fatalf("%s: no ConfigMap %s", tc.dir, tc.configMap)
		}
		if got := cm.Data["config.yaml"]; got != want {
			t.Errorf("%s: ConfigMap %s config.yaml differs from examples/%s; run go test -run TestConfigMapsAreTheExamples -update", tc.dir, tc.configMap, tc.example)
		}
	}
}

// validate runs `otelcol-webhook validate` on config with exactly env as its
// environment and returns the exit code and output.
func validate(t *testing.T, config string, env map[string]string) (int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, collectorBin, "validate", "--config", path)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("validate did not finish: %v", ctx.Err())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("running %s: %v", collectorBin, err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// TestCollectorConfigsValidate: the configuration of every collector
// container is valid for the built distribution, with the environment the
// container gets (Secret placeholders from *.example.yaml included).
func TestCollectorConfigsValidate(t *testing.T) {
	for name, b := range loadBundles(t) {
		cols, errs := b.collectors()
		requireNoErrors(t, errs)
		for _, col := range cols {
			t.Run(name+"/"+col.name(), func(t *testing.T) {
				if code, out := validate(t, col.text, col.env); code != 0 {
					t.Fatalf("validate exited %d:\n%s", code, out)
				}
			})
		}
	}
}

// TestValidateCatchesBadEnvironment proves the check above can fail: with
// an environment variable of the configuration missing, or a malformed
// signing secret in the Secret, validate exits non-zero naming the setting.
func TestValidateCatchesBadEnvironment(t *testing.T) {
	b := loadOne(t, "sidecar")
	cols, errs := b.collectors()
	requireNoErrors(t, errs)
	col := cols[0]

	env := maps.Clone(col.env)
	delete(env, "WEBHOOK_ENDPOINT")
	code, out := validate(t, col.text, env)
	if code == 0 || !strings.Contains(out, `"endpoint" is required`) {
		t.Errorf("validate without WEBHOOK_ENDPOINT: exit %d, output:\n%s", code, out)
	}

	b.secret("example-app-otelcol").StringData["webhook-signing-secret"] = "whsec_not base64!"
	env, envErrs := b.containerEnv(col.container)
	requireNoErrors(t, envErrs)
	code, out = validate(t, col.text, env)
	if code == 0 || !strings.Contains(out, `"secret": standard_webhooks secret must be base64`) {
		t.Errorf("validate with a malformed signing secret: exit %d, output:\n%s", code, out)
	}
}

// container returns a container of a Deployment of b by name.
func container(t *testing.T, b *bundle, deployment, name string) *corev1.Container {
	t.Helper()
	d := b.deployment(deployment)
	if d == nil {
		t.Fatalf("no deployment %s", deployment)
	}
	for _, c := range allContainers(&d.Spec.Template.Spec) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("deployment %s has no container %s", deployment, name)
	return nil
}

// replaceInConfigMap edits a ConfigMap's config.yaml; old must occur once.
func replaceInConfigMap(t *testing.T, b *bundle, name, old, new string) {
	t.Helper()
	cm := b.configMap(name)
	if cm == nil || strings.Count(cm.Data["config.yaml"], old) != 1 {
		t.Fatalf("ConfigMap %s config.yaml must contain %q once", name, old)
	}
	cm.Data["config.yaml"] = strings.Replace(cm.Data["config.yaml"], old, new, 1)
}

func removeEnv(t *testing.T, c *corev1.Container, name string) {
	t.Helper()
	i := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == name })
	if i < 0 {
		t.Fatalf("container %s has no env %s", c.Name, name)
	}
	c.Env = slices.Delete(c.Env, i, i+1)
}

func envVar(t *testing.T, c *corev1.Container, name string) *corev1.EnvVar {
	t.Helper()
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	t.Fatalf("container %s has no env %s", c.Name, name)
	return nil
}

// TestChecksDetectMistakes proves every semantic check can fail: each case
// breaks one thing in a freshly loaded layout and expects the error that
// names it.
func TestChecksDetectMistakes(t *testing.T) {
	const (
		gw  = "otelcol-webhook-gateway"
		lb  = "otelcol-webhook-loadbalancer"
		app = "example-app"
		col = "otelcol-webhook"
	)
	cases := []struct {
		name, dir string
		mutate    func(t *testing.T, b *bundle)
		want      string
	}{
		{"env var of the config not set", "sidecar", func(t *testing.T, b *bundle) {
			removeEnv(t, container(t, b, app, col), "WEBHOOK_SIGNING_SECRET")
		}, "uses ${env:WEBHOOK_SIGNING_SECRET}, which the container does not set"},
		{"env var of the config set empty", "gateway", func(t *testing.T, b *bundle) {
			b.configMap(gw).Data["otlp-endpoint"] = ""
		}, "uses ${env:OTLP_ENDPOINT}"},
		{"dedup Redis on a port its Service lacks", "gateway", func(t *testing.T, b *bundle) {
			envVar(t, container(t, b, gw, col), "REDIS_ENDPOINT").Value = "otelcol-webhook-redis:6380"
		}, "service otelcol-webhook-redis has no port 6380"},
		{"dedup Redis password from another key", "gateway", func(t *testing.T, b *bundle) {
			b.secret("otelcol-webhook").StringData["otlp-api-key"] = "not-the-redis-password"
			envVar(t, container(t, b, gw, col), "REDIS_PASSWORD").ValueFrom.SecretKeyRef.Key = "otlp-api-key"
		}, "dedup::redis::password is not the password otelcol-webhook-redis requires"},
		{"secretKeyRef to a missing key", "gateway", func(t *testing.T, b *bundle) {
			envVar(t, container(t, b, gw, col), "OTLP_API_KEY").ValueFrom.SecretKeyRef.Key = "otlp-api-kee"
		}, `Secret "otelcol-webhook" has no key "otlp-api-kee"`},
		{"configMapKeyRef to a missing ConfigMap", "sidecar", func(t *testing.T, b *bundle) {
			envVar(t, container(t, b, app, col), "WEBHOOK_ENDPOINT").ValueFrom.ConfigMapKeyRef.Name = "other"
		}, `ConfigMap "other" is not defined`},
		{"no memory limit", "gateway", func(t *testing.T, b *bundle) {
			delete(container(t, b, gw, col).Resources.Limits, corev1.ResourceMemory)
		}, "uses limit_percentage but the container has no memory limit"},
		{"GOMEMLIMIT above the memory limit", "sidecar", func(t *testing.T, b *bundle) {
			envVar(t, container(t, b, app, col), "GOMEMLIMIT").Value = "300MiB"
		}, "GOMEMLIMIT 300MiB is not below the memory limit 256Mi"},
		{"memory_limiter absolute limit above the container's", "sidecar", func(t *testing.T, b *bundle) {
			replaceInConfigMap(t, b, "example-app-otelcol", "    limit_percentage: 80\n    spike_limit_percentage: 20\n", "    limit_mib: 300\n")
			container(t, b, app, col).Resources.Limits[corev1.ResourceMemory] = quantity("256Mi")
		}, "limit_mib 300 is not below the memory limit 256Mi"},
		{"cpu limit of the app missing", "sidecar", func(t *testing.T, b *bundle) {
			delete(container(t, b, app, "app").Resources.Limits, corev1.ResourceCPU)
		}, "example-app/app: no cpu limit"},
		{"runs as root", "gateway", func(t *testing.T, b *bundle) {
			c := container(t, b, lb, col)
			c.SecurityContext.RunAsNonRoot = nil
			b.deployment(lb).Spec.Template.Spec.SecurityContext.RunAsNonRoot = nil
		}, "otelcol-webhook-loadbalancer/otelcol-webhook: runAsNonRoot is not true"},
		{"writable root file system", "sidecar", func(t *testing.T, b *bundle) {
			no := false
			container(t, b, app, col).SecurityContext.ReadOnlyRootFilesystem = &no
		}, "readOnlyRootFilesystem is not true"},
		{"privilege escalation allowed", "gateway", func(t *testing.T, b *bundle) {
			container(t, b, gw, col).SecurityContext.AllowPrivilegeEscalation = nil
		}, "allowPrivilegeEscalation is not false"},
		{"capabilities kept", "sidecar", func(t *testing.T, b *bundle) {
			container(t, b, app, "app").SecurityContext.Capabilities.Drop = nil
		}, "capabilities must drop ALL"},
		{"probe on a port the container does not declare", "gateway", func(t *testing.T, b *bundle) {
			container(t, b, gw, col).LivenessProbe.HTTPGet.Port = intstr.FromString("healthz")
		}, "livenessProbe port healthz is not a port of the container"},
		{"probe on a path the collector does not serve", "sidecar", func(t *testing.T, b *bundle) {
			container(t, b, app, col).ReadinessProbe.HTTPGet.Path = "/ready"
		}, `readinessProbe path "/ready" is not served`},
		{"health_check on loopback only", "gateway", func(t *testing.T, b *bundle) {
			replaceInConfigMap(t, b, lb, "    endpoint: 0.0.0.0:13133\n", "    endpoint: localhost:13133\n")
		}, "readinessProbe port 13133: the configuration listens on no non-loopback address there"},
		{"declared port nothing listens on", "sidecar", func(t *testing.T, b *bundle) {
			replaceInConfigMap(t, b, "example-app-otelcol", "    endpoint: 0.0.0.0:4319\n", "    endpoint: 0.0.0.0:4320\n")
		}, "port webhook (4319): the configuration listens on no non-loopback address there"},
		{"service selects no pod", "gateway", func(t *testing.T, b *bundle) {
			b.service("otelcol-webhook").Spec.Selector["app.kubernetes.io/component"] = "load-balancer"
		}, "service otelcol-webhook: selector"},
		{"service targets an undeclared port", "sidecar", func(t *testing.T, b *bundle) {
			b.service(app).Spec.Ports[1].TargetPort = intstr.FromString("webhooks")
		}, "service example-app: port webhook targets webhooks, which no container"},
		{"HPA scales another deployment", "gateway", func(t *testing.T, b *bundle) {
			b.hpas[0].Spec.ScaleTargetRef.Name = "otelcol-webhook-gw"
		}, "is not a Deployment of"},
		{"HPA without memory", "gateway", func(t *testing.T, b *bundle) {
			b.hpas[0].Spec.Metrics = b.hpas[0].Spec.Metrics[:1]
		}, "no memory metric"},
		{"replicas set under an HPA", "gateway", func(t *testing.T, b *bundle) {
			n := int32(3)
			b.deployment(gw).Spec.Replicas = &n
		}, "sets replicas although hpa"},
		{"PDB selects no pod", "gateway", func(t *testing.T, b *bundle) {
			b.pdbs[0].Spec.Selector.MatchLabels["app.kubernetes.io/component"] = "gw"
		}, "selects the pods of 0 deployments"},
		{"queue directory not on a volume", "gateway", func(t *testing.T, b *bundle) {
			c := container(t, b, gw, col)
			c.VolumeMounts = slices.DeleteFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == "queue" })
		}, "directory /var/lib/otelcol-webhook/queue is not on a volume"},
		{"config file not mounted", "sidecar", func(t *testing.T, b *bundle) {
			container(t, b, app, col).Args = []string{"--config=/etc/other/config.yaml"}
		}, "--config /etc/other/config.yaml is not on a mounted volume"},
		{"load balancer resolves the non-headless Service", "gateway", func(t *testing.T, b *bundle) {
			envVar(t, container(t, b, lb, col), "GATEWAY_HEADLESS_SERVICE").Value = "otelcol-webhook-gateway.$(POD_NAMESPACE).svc.cluster.local"
		}, `resolves "otelcol-webhook-gateway.observability.svc.cluster.local", which is not a headless Service`},
		{"load balancer routes by service", "gateway", func(t *testing.T, b *bundle) {
			replaceInConfigMap(t, b, lb, "\n    routing_key: traceID\n", "\n    routing_key: service\n")
		}, `routing_key is "service"; dedup needs traceID`},
		{"gateway does not receive OTLP gRPC on the resolver's port", "gateway", func(t *testing.T, b *bundle) {
			replaceInConfigMap(t, b, lb, `port: "4317"`, `port: "4318"`)
			b.services[slices.IndexFunc(b.services, func(s *corev1.Service) bool { return s.Spec.ClusterIP == corev1.ClusterIPNone })].Spec.Ports[0].Port = 4318
		}, "sends OTLP gRPC to port 4318"},
		{"kustomization misses a manifest", "gateway", func(t *testing.T, b *bundle) {
			b.kustomization.Resources = slices.DeleteFunc(b.kustomization.Resources, func(r string) bool { return r == "pdb.yaml" })
		}, "pdb.yaml is not listed in kustomization.yaml resources"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := loadOne(t, tc.dir)
			requireNoErrors(t, checkBundle(b))
			tc.mutate(t, b)
			requireErrorContaining(t, checkBundle(b), tc.want)
		})
	}
}
