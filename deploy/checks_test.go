package deploy

import (
	"fmt"
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// envRef matches ${env:NAME} and ${env:NAME:-default} in a collector
// configuration.
var envRef = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}`)

// kubeletRef matches $(NAME) in a container's env values.
var kubeletRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// fieldRefValues stand in for the downward API in the checks.
var fieldRefValues = map[string]string{
	"metadata.namespace": "observability",
	"metadata.name":      "otelcol-webhook-0",
	"status.podIP":       "10.0.0.10",
	"spec.nodeName":      "node-1",
}

// containerEnv resolves the environment of a container as the kubelet would:
// literal values (with $(VAR) expansion), keys of Secrets and ConfigMaps of
// the bundle, and stand-ins for the downward API.
func (b *bundle) containerEnv(c *corev1.Container) (map[string]string, []error) {
	env := map[string]string{}
	var errs []error
	for _, from := range c.EnvFrom {
		switch {
		case from.SecretRef != nil:
			s := b.secret(from.SecretRef.Name)
			if s == nil {
				errs = append(errs, fmt.Errorf("container %s: envFrom Secret %q is not defined", c.Name, from.SecretRef.Name))
				continue
			}
			for k := range s.StringData {
				env[from.Prefix+k], _ = secretValue(s, k)
			}
			for k := range s.Data {
				env[from.Prefix+k], _ = secretValue(s, k)
			}
		case from.ConfigMapRef != nil:
			cm := b.configMap(from.ConfigMapRef.Name)
			if cm == nil {
				errs = append(errs, fmt.Errorf("container %s: envFrom ConfigMap %q is not defined", c.Name, from.ConfigMapRef.Name))
				continue
			}
			for k, v := range cm.Data {
				env[from.Prefix+k] = v
			}
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = kubeletRef.ReplaceAllStringFunc(e.Value, func(m string) string {
				if v, ok := env[m[2:len(m)-1]]; ok {
					return v
				}
				return m
			})
		case e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			s := b.secret(ref.Name)
			if s == nil {
				errs = append(errs, fmt.Errorf("container %s: env %s: Secret %q is not defined in %s", c.Name, e.Name, ref.Name, b.dir))
				continue
			}
			v, ok := secretValue(s, ref.Key)
			if !ok {
				errs = append(errs, fmt.Errorf("container %s: env %s: Secret %q has no key %q", c.Name, e.Name, ref.Name, ref.Key))
				continue
			}
			env[e.Name] = v
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			cm := b.configMap(ref.Name)
			if cm == nil {
				errs = append(errs, fmt.Errorf("container %s: env %s: ConfigMap %q is not defined in %s", c.Name, e.Name, ref.Name, b.dir))
				continue
			}
			v, ok := cm.Data[ref.Key]
			if !ok {
				errs = append(errs, fmt.Errorf("container %s: env %s: ConfigMap %q has no key %q", c.Name, e.Name, ref.Name, ref.Key))
				continue
			}
			env[e.Name] = v
		case e.ValueFrom.FieldRef != nil:
			v, ok := fieldRefValues[e.ValueFrom.FieldRef.FieldPath]
			if !ok {
				v = "fieldref-" + e.ValueFrom.FieldRef.FieldPath
			}
			env[e.Name] = v
		case e.ValueFrom.ResourceFieldRef != nil:
			env[e.Name] = "1"
		}
	}
	return env, errs
}

// expandEnv replaces ${env:NAME} and ${env:NAME:-default} as the collector
// does.
func expandEnv(s string, env map[string]string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := envRef.FindStringSubmatch(m)
		if v := env[sub[1]]; v != "" {
			return v
		}
		return sub[2]
	})
}

// configPath returns the --config file of a collector container.
func configPath(c *corev1.Container) (string, error) {
	args := append(slices.Clone(c.Command), c.Args...)
	for i, a := range args {
		if p, ok := strings.CutPrefix(a, "--config="); ok {
			return p, nil
		}
		if a == "--config" && i+1 < len(args) {
			return args[i+1], nil
		}
	}
	return "", fmt.Errorf("container %s: no --config argument", c.Name)
}

// mountFor returns the volume mount and volume that hold file.
func mountFor(spec *corev1.PodSpec, c *corev1.Container, file string) (*corev1.VolumeMount, *corev1.Volume) {
	var best *corev1.VolumeMount
	for i := range c.VolumeMounts {
		m := &c.VolumeMounts[i]
		mp := strings.TrimSuffix(m.MountPath, "/")
		if (file == mp || strings.HasPrefix(file, mp+"/")) && (best == nil || len(mp) > len(best.MountPath)) {
			best = m
		}
	}
	if best == nil {
		return nil, nil
	}
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == best.Name {
			return best, &spec.Volumes[i]
		}
	}
	return best, nil
}

// collectorConfig returns the configuration text a collector container
// runs: the ConfigMap key mounted at its --config path.
func (b *bundle) collectorConfig(spec *corev1.PodSpec, c *corev1.Container) (string, error) {
	file, err := configPath(c)
	if err != nil {
		return "", err
	}
	m, v := mountFor(spec, c, file)
	if m == nil || v == nil {
		return "", fmt.Errorf("container %s: --config %s is not on a mounted volume", c.Name, file)
	}
	if v.ConfigMap == nil {
		return "", fmt.Errorf("container %s: --config %s is not on a ConfigMap volume", c.Name, file)
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(file, strings.TrimSuffix(m.MountPath, "/")), "/")
	key := rel
	if len(v.ConfigMap.Items) > 0 {
		key = ""
		for _, it := range v.ConfigMap.Items {
			if it.Path == rel {
				key = it.Key
			}
		}
		if key == "" {
			return "", fmt.Errorf("container %s: ConfigMap volume %s does not project %s", c.Name, v.Name, rel)
		}
	}
	cm := b.configMap(v.ConfigMap.Name)
	if cm == nil {
		return "", fmt.Errorf("container %s: ConfigMap %q is not defined in %s", c.Name, v.ConfigMap.Name, b.dir)
	}
	text, ok := cm.Data[key]
	if !ok {
		return "", fmt.Errorf("container %s: ConfigMap %q has no key %q", c.Name, cm.Name, key)
	}
	return text, nil
}

// parseConfig parses a collector configuration.
func parseConfig(text string) (map[string]any, error) {
	var conf map[string]any
	if err := yaml.Unmarshal([]byte(text), &conf); err != nil {
		return nil, err
	}
	return conf, nil
}

func mapAt(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}

func stringAt(m map[string]any, key, def string) string {
	if m == nil {
		return def
	}
	if v, ok := m[key]; ok {
		if s, ok := v.(string); ok {
			return s
		}
		return fmt.Sprint(v)
	}
	return def
}

func componentType(id string) string {
	t, _, _ := strings.Cut(id, "/")
	return t
}

// activeComponents returns the ids of the components of a kind
// ("receivers", "processors", "exporters") used by a pipeline, or of the
// extensions the service enables.
func activeComponents(conf map[string]any, kind string) []string {
	service := mapAt(conf, "service")
	var ids []string
	if kind == "extensions" {
		list, _ := service["extensions"].([]any)
		for _, id := range list {
			ids = append(ids, fmt.Sprint(id))
		}
		return ids
	}
	for _, p := range mapAt(service, "pipelines") {
		pm, _ := p.(map[string]any)
		list, _ := pm[kind].([]any)
		for _, id := range list {
			if s := fmt.Sprint(id); !slices.Contains(ids, s) {
				ids = append(ids, s)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// listener is a socket a collector configuration listens on.
type listener struct {
	component string
	host      string
	port      int32
	// paths are the HTTP paths a GET probe may use.
	paths []string
}

func (l listener) loopback() bool {
	if l.host == "localhost" {
		return true
	}
	ip := net.ParseIP(l.host)
	return ip != nil && ip.IsLoopback()
}

func newListener(component, endpoint string, env map[string]string, paths ...string) (listener, error) {
	host, port, err := net.SplitHostPort(expandEnv(endpoint, env))
	if err != nil {
		return listener{}, fmt.Errorf("%s: endpoint %q: %w", component, endpoint, err)
	}
	n, err := strconv.ParseInt(port, 10, 32)
	if err != nil {
		return listener{}, fmt.Errorf("%s: endpoint %q: port: %w", component, endpoint, err)
	}
	return listener{component: component, host: host, port: int32(n), paths: paths}, nil
}

// listeners returns the sockets the active components of conf listen on,
// with the collector's defaults for unset endpoints.
func listeners(conf map[string]any, env map[string]string) ([]listener, []error) {
	var out []listener
	var errs []error
	add := func(l listener, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		out = append(out, l)
	}
	for _, id := range activeComponents(conf, "receivers") {
		cfg := mapAt(conf, "receivers", id)
		switch componentType(id) {
		case "webhook":
			var paths []string
			if hp := stringAt(cfg, "health_path", "/health"); hp != "" {
				paths = append(paths, hp)
			}
			add(newListener("receivers::"+id, stringAt(cfg, "endpoint", "localhost:4319"), env, paths...))
		case "otlp":
			protocols := mapAt(cfg, "protocols")
			if _, ok := protocols["grpc"]; ok {
				add(newListener("receivers::"+id+"::grpc", stringAt(mapAt(protocols, "grpc"), "endpoint", "localhost:4317"), env))
			}
			if _, ok := protocols["http"]; ok {
				add(newListener("receivers::"+id+"::http", stringAt(mapAt(protocols, "http"), "endpoint", "localhost:4318"), env))
			}
		}
	}
	for _, id := range activeComponents(conf, "extensions") {
		if componentType(id) == "health_check" {
			cfg := mapAt(conf, "extensions", id)
			add(newListener("extensions::"+id, stringAt(cfg, "endpoint", "localhost:13133"), env, stringAt(cfg, "path", "/")))
		}
	}
	readers, _ := mapAt(conf, "service", "telemetry", "metrics")["readers"].([]any)
	for _, r := range readers {
		rm, _ := r.(map[string]any)
		if prom := mapAt(rm, "pull", "exporter", "prometheus"); prom != nil {
			add(newListener("service::telemetry::metrics", net.JoinHostPort(stringAt(prom, "host", "localhost"), stringAt(prom, "port", "8888")), env))
		}
	}
	return out, errs
}

// containerPort resolves a port of a container by name or number.
func containerPort(c *corev1.Container, port intstr.IntOrString) (*corev1.ContainerPort, bool) {
	for i := range c.Ports {
		p := &c.Ports[i]
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
			return p, true
		}
	}
	return nil, false
}

// reachable returns the listener of ls on port that other hosts can reach.
func reachable(ls []listener, port int32) (listener, bool) {
	for _, l := range ls {
		if l.port == port && !l.loopback() {
			return l, true
		}
	}
	return listener{}, false
}

// collector is a collector container with its configuration, resolved.
type collector struct {
	deployment *appsv1.Deployment
	container  *corev1.Container
	text       string
	conf       map[string]any
	env        map[string]string
	listeners  []listener
}

func (c *collector) name() string { return c.deployment.Name + "/" + c.container.Name }

// collectors resolves every collector container of the bundle.
func (b *bundle) collectors() ([]*collector, []error) {
	var out []*collector
	var errs []error
	for _, d := range b.deployments {
		spec := &d.Spec.Template.Spec
		for _, c := range allContainers(spec) {
			if !isCollector(c) {
				continue
			}
			col := &collector{deployment: d, container: c}
			var err error
			if col.text, err = b.collectorConfig(spec, c); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", d.Name, err))
				continue
			}
			if col.conf, err = parseConfig(col.text); err != nil {
				errs = append(errs, fmt.Errorf("%s: configuration: %w", col.name(), err))
				continue
			}
			var envErrs, lErrs []error
			col.env, envErrs = b.containerEnv(c)
			col.listeners, lErrs = listeners(col.conf, col.env)
			for _, e := range append(envErrs, lErrs...) {
				errs = append(errs, fmt.Errorf("%s: %w", d.Name, e))
			}
			out = append(out, col)
		}
	}
	return out, errs
}

// checkKustomization: the kustomization lists every manifest of its
// directory (*.example.yaml excepted) and only files that exist, and its
// images name images the manifests use.
func checkKustomization(b *bundle) []error {
	k := b.kustomization
	if k == nil {
		return []error{fmt.Errorf("%s: no kustomization.yaml", b.dir)}
	}
	var errs []error
	for _, r := range k.Resources {
		if !slices.Contains(b.files, r) {
			errs = append(errs, fmt.Errorf("%s: kustomization resource %q does not exist", b.dir, r))
		}
	}
	for _, f := range b.files {
		if f != "kustomization.yaml" && !strings.HasSuffix(f, ".example.yaml") && !slices.Contains(k.Resources, f) {
			errs = append(errs, fmt.Errorf("%s: %s is not listed in kustomization.yaml resources", b.dir, f))
		}
	}
	for _, img := range k.Images {
		used := false
		for _, d := range b.deployments {
			for _, c := range allContainers(&d.Spec.Template.Spec) {
				repo, _, _ := strings.Cut(c.Image, ":")
				used = used || repo == img.Name
			}
		}
		if !used {
			errs = append(errs, fmt.Errorf("%s: kustomization image %q is used by no container", b.dir, img.Name))
		}
	}
	return errs
}

// checkContainers: every container has requests and limits, and runs
// non-root, without privilege escalation, with a read-only root file system
// and no capabilities.
func checkContainers(b *bundle) []error {
	var errs []error
	for _, d := range b.deployments {
		spec := &d.Spec.Template.Spec
		for _, c := range allContainers(spec) {
			where := d.Name + "/" + c.Name
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if _, ok := c.Resources.Limits[r]; !ok {
					errs = append(errs, fmt.Errorf("%s: no %s limit", where, r))
				}
				if _, ok := c.Resources.Requests[r]; !ok {
					errs = append(errs, fmt.Errorf("%s: no %s request", where, r))
				}
			}
			sc := c.SecurityContext
			if sc == nil {
				errs = append(errs, fmt.Errorf("%s: no securityContext", where))
				continue
			}
			nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) ||
				(sc.RunAsNonRoot == nil && spec.SecurityContext != nil && spec.SecurityContext.RunAsNonRoot != nil && *spec.SecurityContext.RunAsNonRoot)
			if !nonRoot {
				errs = append(errs, fmt.Errorf("%s: runAsNonRoot is not true", where))
			}
			if (sc.RunAsUser != nil && *sc.RunAsUser == 0) || (spec.SecurityContext != nil && spec.SecurityContext.RunAsUser != nil && *spec.SecurityContext.RunAsUser == 0) {
				errs = append(errs, fmt.Errorf("%s: runAsUser is 0", where))
			}
			if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				errs = append(errs, fmt.Errorf("%s: readOnlyRootFilesystem is not true", where))
			}
			if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				errs = append(errs, fmt.Errorf("%s: allowPrivilegeEscalation is not false", where))
			}
			if sc.Privileged != nil && *sc.Privileged {
				errs = append(errs, fmt.Errorf("%s: privileged", where))
			}
			if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
				errs = append(errs, fmt.Errorf("%s: capabilities must drop ALL and add none", where))
			}
		}
	}
	return errs
}

// checkCollectors: probes, ports, environment, storage and memory of every
// collector container agree with the configuration it runs.
func checkCollectors(b *bundle) []error {
	cols, errs := b.collectors()
	for _, col := range cols {
		errs = append(errs, checkProbes(col)...)
		errs = append(errs, checkDeclaredPorts(col)...)
		errs = append(errs, checkEnvProvided(col)...)
		errs = append(errs, checkStorage(col)...)
		errs = append(errs, checkMemory(col)...)
	}
	return errs
}

// checkProbes: liveness and readiness probes GET a path the configuration
// serves, on a port the container declares and the configuration listens on
// beyond loopback.
func checkProbes(col *collector) []error {
	c := col.container
	var errs []error
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
		if p.probe == nil {
			if p.name != "startupProbe" {
				errs = append(errs, fmt.Errorf("%s: no %s", col.name(), p.name))
			}
			continue
		}
		get := p.probe.HTTPGet
		if get == nil {
			errs = append(errs, fmt.Errorf("%s: %s is not an httpGet", col.name(), p.name))
			continue
		}
		cp, ok := containerPort(c, get.Port)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s port %s is not a port of the container", col.name(), p.name, get.Port.String()))
			continue
		}
		l, ok := reachable(col.listeners, cp.ContainerPort)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s port %d: the configuration listens on no non-loopback address there", col.name(), p.name, cp.ContainerPort))
			continue
		}
		if !slices.Contains(l.paths, get.Path) {
			errs = append(errs, fmt.Errorf("%s: %s path %q is not served on port %d by %s (serves %v)", col.name(), p.name, get.Path, cp.ContainerPort, l.component, l.paths))
		}
	}
	return errs
}

// checkDeclaredPorts: every port the container declares is one the
// configuration listens on beyond loopback.
func checkDeclaredPorts(col *collector) []error {
	var errs []error
	for _, p := range col.container.Ports {
		if _, ok := reachable(col.listeners, p.ContainerPort); !ok {
			errs = append(errs, fmt.Errorf("%s: port %s (%d): the configuration listens on no non-loopback address there", col.name(), p.Name, p.ContainerPort))
		}
	}
	return errs
}

// checkEnvProvided: every ${env:NAME} without a default in the configuration
// is set, non-empty, in the container.
func checkEnvProvided(col *collector) []error {
	var errs []error
	seen := map[string]bool{}
	for _, m := range envRef.FindAllStringSubmatch(col.text, -1) {
		name := m[1]
		if seen[name] || strings.Contains(m[0], ":-") {
			continue
		}
		seen[name] = true
		if col.env[name] == "" {
			errs = append(errs, fmt.Errorf("%s: the configuration uses ${env:%s}, which the container does not set", col.name(), name))
		}
	}
	return errs
}

// checkStorage: every directory a file_storage extension writes is on a
// writable volume (the root file system is read-only).
func checkStorage(col *collector) []error {
	var errs []error
	spec := &col.deployment.Spec.Template.Spec
	for _, id := range activeComponents(col.conf, "extensions") {
		if componentType(id) != "file_storage" {
			continue
		}
		cfg := mapAt(col.conf, "extensions", id)
		dirs := []string{stringAt(cfg, "directory", "/var/lib/otelcol/file_storage")}
		if comp := mapAt(cfg, "compaction"); comp != nil && (stringAt(comp, "on_start", "false") == "true" || stringAt(comp, "on_rebound", "false") == "true") {
			dirs = append(dirs, stringAt(comp, "directory", "/var/lib/otelcol/file_storage"))
		}
		for _, dir := range dirs {
			dir = path.Clean(expandEnv(dir, col.env))
			m, v := mountFor(spec, col.container, dir)
			switch {
			case m == nil || v == nil:
				errs = append(errs, fmt.Errorf("%s: extensions::%s directory %s is not on a volume (the root file system is read-only)", col.name(), id, dir))
			case m.ReadOnly || v.ConfigMap != nil || v.Secret != nil || v.Projected != nil || v.DownwardAPI != nil:
				errs = append(errs, fmt.Errorf("%s: extensions::%s directory %s is on read-only volume %s", col.name(), id, dir, v.Name))
			}
		}
	}
	return errs
}

// parseGoMemLimit parses GOMEMLIMIT (bytes with an optional B, KiB, MiB,
// GiB or TiB suffix).
func parseGoMemLimit(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			return v * u.mult, err
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// checkMemory: memory_limiter and GOMEMLIMIT fit the container's memory
// limit (percentages need one; absolute limits must be below it).
func checkMemory(col *collector) []error {
	var errs []error
	limit, hasLimit := col.container.Resources.Limits[corev1.ResourceMemory]
	for _, id := range activeComponents(col.conf, "processors") {
		if componentType(id) != "memory_limiter" {
			continue
		}
		cfg := mapAt(col.conf, "processors", id)
		pct, _ := strconv.ParseFloat(stringAt(cfg, "limit_percentage", "0"), 64)
		mib, _ := strconv.ParseFloat(stringAt(cfg, "limit_mib", "0"), 64)
		switch {
		case pct > 0 && !hasLimit:
			errs = append(errs, fmt.Errorf("%s: processors::%s uses limit_percentage but the container has no memory limit", col.name(), id))
		case pct > 90:
			errs = append(errs, fmt.Errorf("%s: processors::%s limit_percentage %v leaves no headroom below the memory limit", col.name(), id, pct))
		case mib > 0 && hasLimit && int64(mib)<<20 >= limit.Value():
			errs = append(errs, fmt.Errorf("%s: processors::%s limit_mib %v is not below the memory limit %s", col.name(), id, mib, limit.String()))
		case pct == 0 && mib == 0:
			errs = append(errs, fmt.Errorf("%s: processors::%s sets no limit", col.name(), id))
		}
	}
	if activeMemoryLimiters := slices.ContainsFunc(activeComponents(col.conf, "processors"), func(id string) bool { return componentType(id) == "memory_limiter" }); !activeMemoryLimiters {
		errs = append(errs, fmt.Errorf("%s: no memory_limiter in the pipelines", col.name()))
	}
	if v, ok := col.env["GOMEMLIMIT"]; ok {
		n, err := parseGoMemLimit(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: GOMEMLIMIT %q: %w", col.name(), v, err))
		case hasLimit && n >= limit.Value():
			errs = append(errs, fmt.Errorf("%s: GOMEMLIMIT %s is not below the memory limit %s", col.name(), v, limit.String()))
		}
	}
	return errs
}

// selects reports whether a label selector map selects the labels.
func selects(selector, lbls map[string]string) bool {
	return len(selector) > 0 && labels.SelectorFromSet(selector).Matches(labels.Set(lbls))
}

func labelSelects(sel *metav1.LabelSelector, lbls map[string]string) bool {
	if sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(labels.Set(lbls))
}

// checkSelectors: Deployments, Services, PDBs and spread constraints select
// the pods they are meant for.
func checkSelectors(b *bundle) []error {
	var errs []error
	for _, d := range b.deployments {
		if !labelSelects(d.Spec.Selector, d.Spec.Template.Labels) {
			errs = append(errs, fmt.Errorf("deployment %s: spec.selector does not select its pod template's labels", d.Name))
		}
		for _, tsc := range d.Spec.Template.Spec.TopologySpreadConstraints {
			if !labelSelects(tsc.LabelSelector, d.Spec.Template.Labels) {
				errs = append(errs, fmt.Errorf("deployment %s: topologySpreadConstraint on %s does not select its own pods", d.Name, tsc.TopologyKey))
			}
		}
	}
	for _, s := range b.services {
		var selected []*appsv1.Deployment
		for _, d := range b.deployments {
			if selects(s.Spec.Selector, d.Spec.Template.Labels) {
				selected = append(selected, d)
			}
		}
		if len(selected) == 0 {
			errs = append(errs, fmt.Errorf("service %s: selector %v matches no pod template", s.Name, s.Spec.Selector))
			continue
		}
		for _, sp := range s.Spec.Ports {
			target := sp.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(sp.Port)
			}
			for _, d := range selected {
				found := false
				for _, c := range allContainers(&d.Spec.Template.Spec) {
					if cp, ok := containerPort(c, target); ok && protocolOf(cp.Protocol) == protocolOf(sp.Protocol) {
						found = true
					}
				}
				if !found {
					errs = append(errs, fmt.Errorf("service %s: port %s targets %s, which no container of deployment %s declares", s.Name, sp.Name, target.String(), d.Name))
				}
			}
		}
	}
	for _, p := range b.pdbs {
		n := 0
		for _, d := range b.deployments {
			if labelSelects(p.Spec.Selector, d.Spec.Template.Labels) {
				n++
			}
		}
		if n != 1 {
			errs = append(errs, fmt.Errorf("poddisruptionbudget %s: selects the pods of %d deployments, want 1", p.Name, n))
		}
	}
	return errs
}

func protocolOf(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// checkHPAs: every HPA scales a Deployment of the bundle on CPU and memory,
// from at least two replicas, and that Deployment leaves `replicas` to it and
// requests the resources the utilization targets are relative to.
func checkHPAs(b *bundle) []error {
	var errs []error
	for _, h := range b.hpas {
		ref := h.Spec.ScaleTargetRef
		d := b.deployment(ref.Name)
		if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || d == nil {
			errs = append(errs, fmt.Errorf("hpa %s: scaleTargetRef %s %s/%s is not a Deployment of %s", h.Name, ref.APIVersion, ref.Kind, ref.Name, b.dir))
			continue
		}
		var resources []corev1.ResourceName
		for _, m := range h.Spec.Metrics {
			if m.Resource != nil {
				resources = append(resources, m.Resource.Name)
			}
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if !slices.Contains(resources, r) {
				errs = append(errs, fmt.Errorf("hpa %s: no %s metric", h.Name, r))
			}
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 {
			errs = append(errs, fmt.Errorf("hpa %s: minReplicas must be at least 2", h.Name))
		} else if h.Spec.MaxReplicas <= *h.Spec.MinReplicas {
			errs = append(errs, fmt.Errorf("hpa %s: maxReplicas must exceed minReplicas", h.Name))
		}
		if d.Spec.Replicas != nil {
			errs = append(errs, fmt.Errorf("deployment %s: sets replicas although hpa %s scales it", d.Name, h.Name))
		}
	}
	return errs
}

// checkLoadBalancing: a load_balancing exporter resolves a headless Service
// of the bundle, on a port of that Service, routes by trace ID, and the
// Service's pods run collectors that receive OTLP gRPC on that port.
func checkLoadBalancing(b *bundle) []error {
	// Errors resolving the collectors are checkCollectors' to report.
	cols, _ := b.collectors()
	var errs []error
	for _, col := range cols {
		for _, id := range activeComponents(col.conf, "exporters") {
			if t := componentType(id); t != "load_balancing" && t != "loadbalancing" {
				continue
			}
			cfg := mapAt(col.conf, "exporters", id)
			if rk := stringAt(cfg, "routing_key", "traceID"); rk != "traceID" {
				errs = append(errs, fmt.Errorf("%s: exporters::%s routing_key is %q; dedup needs traceID", col.name(), id, rk))
			}
			dns := mapAt(cfg, "resolver", "dns")
			if dns == nil {
				errs = append(errs, fmt.Errorf("%s: exporters::%s has no dns resolver", col.name(), id))
				continue
			}
			host := expandEnv(stringAt(dns, "hostname", ""), col.env)
			name, _, _ := strings.Cut(host, ".")
			svc := b.service(name)
			if svc == nil || svc.Spec.ClusterIP != corev1.ClusterIPNone {
				errs = append(errs, fmt.Errorf("%s: exporters::%s resolves %q, which is not a headless Service of %s", col.name(), id, host, b.dir))
				continue
			}
			port, err := strconv.ParseInt(stringAt(dns, "port", "4317"), 10, 32)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: exporters::%s dns port: %w", col.name(), id, err))
				continue
			}
			var sp *corev1.ServicePort
			for i := range svc.Spec.Ports {
				if svc.Spec.Ports[i].Port == int32(port) {
					sp = &svc.Spec.Ports[i]
				}
			}
			if sp == nil {
				errs = append(errs, fmt.Errorf("%s: exporters::%s sends to port %d, which service %s does not have", col.name(), id, port, svc.Name))
				continue
			}
			// The resolver dials the pod addresses on the dns port itself.
			for _, backend := range cols {
				if !selects(svc.Spec.Selector, backend.deployment.Spec.Template.Labels) {
					continue
				}
				l, ok := reachable(backend.listeners, int32(port))
				if !ok || !strings.HasSuffix(l.component, "::grpc") {
					errs = append(errs, fmt.Errorf("%s: exporters::%s sends OTLP gRPC to port %d of %s, which receives no OTLP gRPC there", col.name(), id, port, backend.name()))
				}
			}
		}
	}
	return errs
}

// checkRedisDedup: a collector whose webhook receiver keeps its dedup state
// in Redis reaches, when the host is a Service of the bundle, a port of that
// Service whose pods run a container listening there, and uses the password
// that Redis requires (the same Secret key).
func checkRedisDedup(b *bundle) []error {
	cols, _ := b.collectors()
	var errs []error
	for _, col := range cols {
		for _, id := range activeComponents(col.conf, "receivers") {
			if componentType(id) != "webhook" {
				continue
			}
			d := mapAt(col.conf, "receivers", id, "dedup")
			if stringAt(d, "backend", "memory") != "redis" {
				continue
			}
			r := mapAt(d, "redis")
			endpoint := expandEnv(stringAt(r, "endpoint", "localhost:6379"), col.env)
			host, portText, err := net.SplitHostPort(endpoint)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: receivers::%s dedup::redis::endpoint %q: %w", col.name(), id, endpoint, err))
				continue
			}
			name, _, _ := strings.Cut(host, ".")
			svc := b.service(name)
			if svc == nil {
				continue // an external Redis
			}
			port, _ := strconv.ParseInt(portText, 10, 32)
			var sp *corev1.ServicePort
			for i := range svc.Spec.Ports {
				if svc.Spec.Ports[i].Port == int32(port) {
					sp = &svc.Spec.Ports[i]
				}
			}
			if sp == nil {
				errs = append(errs, fmt.Errorf("%s: receivers::%s dedup::redis::endpoint %s: service %s has no port %d", col.name(), id, endpoint, svc.Name, port))
				continue
			}
			password := stringAt(r, "password", "")
			for _, dep := range b.deployments {
				if !selects(svc.Spec.Selector, dep.Spec.Template.Labels) {
					continue
				}
				for _, c := range allContainers(&dep.Spec.Template.Spec) {
					if _, ok := containerPort(c, sp.TargetPort); !ok {
						continue
					}
					// The password the Redis container requires, by env.
					env, _ := b.containerEnv(c)
					required := ""
					for i, a := range c.Args {
						if a == "--requirepass" && i+1 < len(c.Args) {
							required = expandK8sVars(c.Args[i+1], env)
						}
					}
					if got := expandEnv(password, col.env); required != "" && got != required {
						errs = append(errs, fmt.Errorf("%s: receivers::%s dedup::redis::password is not the password %s requires", col.name(), id, dep.Name))
					}
				}
			}
		}
	}
	return errs
}

// expandK8sVars replaces $(NAME) as Kubernetes does in args.
func expandK8sVars(s string, env map[string]string) string {
	for k, v := range env {
		s = strings.ReplaceAll(s, "$("+k+")", v)
	}
	return s
}

// checkBundle runs every semantic check.
func checkBundle(b *bundle) []error {
	var errs []error
	errs = append(errs, checkKustomization(b)...)
	errs = append(errs, checkContainers(b)...)
	errs = append(errs, checkCollectors(b)...)
	errs = append(errs, checkSelectors(b)...)
	errs = append(errs, checkHPAs(b)...)
	errs = append(errs, checkLoadBalancing(b)...)
	errs = append(errs, checkRedisDedup(b)...)
	return errs
}

// quantity parses a resource quantity for the tests.
func quantity(s string) resource.Quantity { return resource.MustParse(s) }
