// Package deploy holds no code: its tests check the container image
// (Dockerfile) and the Kubernetes manifests under kubernetes/ of the
// otelcol-webhook distribution. It is a module of its own so that the
// Kubernetes API packages stay out of the collector's module.
package deploy
