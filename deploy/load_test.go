package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// kubernetesDir holds one kustomization directory per layout.
const kubernetesDir = "kubernetes"

// kustomization is the part of kustomize's Kustomization the manifests use;
// anything else in a kustomization.yaml is refused as unknown.
type kustomization struct {
	metav1.TypeMeta `json:",inline"`
	Namespace       string   `json:"namespace,omitempty"`
	Resources       []string `json:"resources"`
	Images          []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
		Digest  string `json:"digest,omitempty"`
	} `json:"images,omitempty"`
}

// bundle is the decoded content of one directory under kubernetes/.
type bundle struct {
	dir           string
	files         []string // YAML files, relative to dir
	kustomization *kustomization
	deployments   []*appsv1.Deployment
	services      []*corev1.Service
	configMaps    []*corev1.ConfigMap
	secrets       []*corev1.Secret
	hpas          []*autoscalingv2.HorizontalPodAutoscaler
	pdbs          []*policyv1.PodDisruptionBudget
}

// newObject returns the typed object a document of this apiVersion and kind
// decodes into.
func newObject(apiVersion, kind string) (any, error) {
	switch apiVersion + " " + kind {
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, nil
	case "v1 Service":
		return &corev1.Service{}, nil
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, nil
	case "v1 Secret":
		return &corev1.Secret{}, nil
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, nil
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "kustomize.config.k8s.io/v1beta1 Kustomization":
		return &kustomization{}, nil
	}
	return nil, fmt.Errorf("unsupported apiVersion %q kind %q", apiVersion, kind)
}

// splitDocuments splits a multi-document YAML stream, leaving out documents
// that hold only comments.
func splitDocuments(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, err
		}
		if string(bytes.TrimSpace(j)) == "null" {
			continue
		}
		docs = append(docs, doc)
	}
}

// decodeDocument decodes one document strictly into its typed object, the
// way the API server does: field names are case-sensitive, and unknown or
// duplicate fields are errors.
func decodeDocument(doc []byte) (any, error) {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return nil, err
	}
	var tm metav1.TypeMeta
	if err := json.UnmarshalCaseSensitivePreserveInts(j, &tm); err != nil {
		return nil, err
	}
	obj, err := newObject(tm.APIVersion, tm.Kind)
	if err != nil {
		return nil, err
	}
	strictErrs, err := json.UnmarshalStrict(j, obj)
	if err = errors.Join(append([]error{err}, strictErrs...)...); err != nil {
		return nil, fmt.Errorf("%s: %w", tm.Kind, err)
	}
	return obj, nil
}

// add files a decoded object in the bundle.
func (b *bundle) add(obj any) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		b.deployments = append(b.deployments, o)
	case *corev1.Service:
		b.services = append(b.services, o)
	case *corev1.ConfigMap:
		b.configMaps = append(b.configMaps, o)
	case *corev1.Secret:
		b.secrets = append(b.secrets, o)
	case *autoscalingv2.HorizontalPodAutoscaler:
		b.hpas = append(b.hpas, o)
	case *policyv1.PodDisruptionBudget:
		b.pdbs = append(b.pdbs, o)
	case *kustomization:
		b.kustomization = o
	}
}

// loadBundle decodes every YAML document of dir.
func loadBundle(dir string) (*bundle, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	b := &bundle{dir: dir}
	var errs []error
	for _, p := range paths {
		b.files = append(b.files, filepath.Base(p))
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		docs, err := splitDocuments(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		for i, doc := range docs {
			obj, err := decodeDocument(doc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s document %d: %w", p, i+1, err))
				continue
			}
			b.add(obj)
		}
	}
	return b, errors.Join(errs...)
}

// bundleDirs lists the directories under kubernetes/.
func bundleDirs() ([]string, error) {
	entries, err := os.ReadDir(kubernetesDir)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(kubernetesDir, e.Name()))
		}
	}
	return dirs, nil
}

func (b *bundle) deployment(name string) *appsv1.Deployment {
	for _, d := range b.deployments {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func (b *bundle) configMap(name string) *corev1.ConfigMap {
	for _, c := range b.configMaps {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *bundle) secret(name string) *corev1.Secret {
	for _, s := range b.secrets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (b *bundle) service(name string) *corev1.Service {
	for _, s := range b.services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// secretValue returns a key of a Secret, from stringData or data.
func secretValue(s *corev1.Secret, key string) (string, bool) {
	if v, ok := s.StringData[key]; ok {
		return v, true
	}
	v, ok := s.Data[key]
	return string(v), ok
}

// allContainers returns the init containers (native sidecars included) and
// the containers of a pod.
func allContainers(spec *corev1.PodSpec) []*corev1.Container {
	var out []*corev1.Container
	for i := range spec.InitContainers {
		out = append(out, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		out = append(out, &spec.Containers[i])
	}
	return out
}

// isCollector reports whether a container runs the otelcol-webhook image.
func isCollector(c *corev1.Container) bool {
	repo, _, _ := strings.Cut(c.Image, ":")
	return strings.HasSuffix(repo, "/otelcol-webhook") || repo == "otelcol-webhook"
}
