// Package browser runs Debian's chromium, headless, for tests of pages, and
// drives it with chromedp. Each test gets a browser of its own with a fresh
// profile, started as a child process and stopped when the test ends.
package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromiumBin is where `make test-servers` installs Debian's chromium.
const chromiumBin = "/usr/bin/chromium"

// Start starts a headless Chromium and returns the context of its first
// tab, for chromedp.Do and chromedp.Run. The browser is stopped when the
// test ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(binary(t)),
		// Root in a container has no user namespace for the sandbox.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// Nothing but the pages under test: no update, report or
		// phone-home request leaves the machine.
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("no-service-autorun", true),
		chromedp.Flag("disable-crash-reporter", true),
		chromedp.Flag("dns-prefetch-disable", true),
	)
	// The browser lives as long as the context of the first action: the
	// tab's own, bounded so that a browser that hangs ends with the test.
	life, cancelLife := context.WithTimeout(context.Background(), 15*time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(life, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelLife()
	})
	require.NoError(t, chromedp.Do(ctx), "starting chromium")
	return ctx
}

// Do runs steps in the tab of ctx within a minute.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

// Run runs one action in the tab of ctx within a minute and returns its
// value.
func Run[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// Submit runs steps that submit a form (a click on its button) and waits
// until the page the form leads to has loaded, redirects followed.
func Submit(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err := chromedp.RunResponse(ctx, steps...)
	require.NoError(t, err)
}

// Screenshot saves a PNG of the whole page of ctx at path.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png := Run(t, ctx, chromedp.FullScreenshot(100))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, png, 0o644))
}

func binary(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(chromiumBin); err == nil {
		return chromiumBin
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	require.FailNow(t, "chromium not found", "%s is missing and chromium is not on PATH: run `make test-servers`", chromiumBin)
	return ""
}

// Scripts turns the page's JavaScript on or off in the tab, to check that
// a page works without it.
func Scripts(enabled bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !enabled})
		return err
	})
}
