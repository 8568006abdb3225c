package static

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestEmbeddedFilesPresent(t *testing.T) {
	for _, name := range []string{
		"css/assure.css",
		"js/charts.js",
		"js/echarts.min.js",
		"js/echarts.LICENSE.txt",
		"js/echarts.NOTICE.txt",
		"js/echarts.LICENSE-d3.txt",
	} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

func TestEChartsIsThePinnedVersion(t *testing.T) {
	b, err := fs.ReadFile(FS, "js/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	// The bundle exports its version as t.version="x.y.z"; zrender's own
	// version appears too, so look for the exported one exactly.
	got := regexp.MustCompile(`\.version="(5\.[0-9]+\.[0-9]+)"`).FindAllSubmatch(b, -1)
	if len(got) != 1 {
		t.Fatalf("found %d ECharts version declarations, want 1", len(got))
	}
	if v := string(got[0][1]); v != EChartsVersion {
		t.Errorf("echarts.min.js declares version %s, EChartsVersion says %s", v, EChartsVersion)
	}
	sum := sha256.Sum256(b)
	if h := hex.EncodeToString(sum[:]); h != EChartsSHA256 {
		t.Errorf("echarts.min.js SHA-256 is %s, EChartsSHA256 says %s: update both together", h, EChartsSHA256)
	}
	lic, err := fs.ReadFile(FS, "js/echarts.LICENSE.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lic), "Apache License") {
		t.Error("echarts.LICENSE.txt is not the Apache licence")
	}
}

// TestOwnFilesStayLocal guards the closed-network and CSP promises:
// Assure's own files load nothing from another host, and the chart script
// never turns text into code or markup.
func TestOwnFilesStayLocal(t *testing.T) {
	remote := regexp.MustCompile(`(?i)https?:|@import|url\(\s*['"]?//`)
	for _, name := range []string{"css/assure.css", "js/charts.js"} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if m := remote.Find(b); m != nil {
			t.Errorf("%s refers to another host or file: %q", name, m)
		}
	}
	js, err := fs.ReadFile(FS, "js/charts.js")
	if err != nil {
		t.Fatal(err)
	}
	code := stripJSComments(string(js))
	banned := regexp.MustCompile(`\beval\b|\bFunction\s*\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write|set(Timeout|Interval)\(\s*['"]`)
	if m := banned.FindString(code); m != "" {
		t.Errorf("charts.js uses %s", m)
	}
	for _, needed := range []string{"JSON.parse", "application/json", "data-chart", "textContent", "echarts.init", "setOption", "'resize'"} {
		if !strings.Contains(code, needed) {
			t.Errorf("charts.js no longer contains %s", needed)
		}
	}
}

func TestStylesheetHasRequiredRules(t *testing.T) {
	b, err := fs.ReadFile(FS, "css/assure.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	for _, sel := range []string{
		".marking", ".chart", ".tiles", ".tile__value", ".num", ".site-header", ".site-nav", ".visually-hidden",
		".error-list", ".notice", ".status-green", ".status-amber", ".status-red",
		":focus-visible", "@media print", ".page-break", "tabular-nums",
	} {
		if !strings.Contains(css, sel) {
			t.Errorf("assure.css has no %s", sel)
		}
	}
	if !regexp.MustCompile(`\.chart\s*\{[^}]*height:\s*360px`).MatchString(css) {
		t.Error(".chart is not 360px high")
	}
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Error("assure.css has unbalanced braces")
	}
}

// stripJSComments removes /* */ and // comments so that the checks above
// look at code, not at the comment explaining why innerHTML is not used.
// It is naive about comment markers inside strings; charts.js has none.
func stripJSComments(s string) string {
	s = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(s, "")
	return regexp.MustCompile(`(?m)//.*$`).ReplaceAllString(s, "")
}

// chartsJSHarness runs charts.js against a small fake DOM and a fake
// echarts, in a context where eval and new Function throw (as under a
// Content-Security-Policy without 'unsafe-eval'), and prints what each
// chart element ended up as.
const chartsJSHarness = `
const fs = require('fs');
const vm = require('vm');
function node(tag, attrs, text) {
  const n = {
    tagName: tag.toUpperCase(), attrs: Object.assign({}, attrs), textContent: text || '', classes: [], style: {}, clientWidth: 600,
    getAttribute(k) { return Object.prototype.hasOwnProperty.call(this.attrs, k) ? this.attrs[k] : null; },
    setAttribute(k, v) { this.attrs[k] = String(v); },
  };
  n.classList = { add(c) { n.classes.push(c); } };
  return n;
}
const json = (id, text, type) => node('script', { id: id, type: type || 'application/json' }, text);
const holders = [
  json('ok', '{"title":{"text":"\\u003c/script\\u003e"}}'),
  json('bad', '{not json'),
  json('wrongtype', '{"title":{}}', 'text/javascript'),
  json('array', '[1,2]'),
  json('null', 'null'),
  json('throws', '{"boom":true}'),
  node('div', { id: 'notscript' }, '{}'),
];
const charts = ['ok', 'bad', 'missing', 'wrongtype', 'array', 'null', 'throws', 'notscript', '']
  .map((id) => node('div', { 'data-chart': id, class: 'chart' }, 'fallback text'));
const listeners = {};
const drawn = [];
const sandbox = {
  document: {
    readyState: 'complete',
    querySelectorAll(sel) { if (sel !== '[data-chart]') throw new Error('selector ' + sel); return charts; },
    getElementById(id) { return holders.find((h) => h.attrs.id === id) || null; },
    addEventListener() {},
    // A canvas whose text is 7 pixels a character: charts.js measures
    // titles and labels to fit them to the chart's width.
    createElement(tag) {
      if (tag !== 'canvas') throw new Error('createElement ' + tag);
      return { getContext() { return { font: '', measureText(t) { return { width: String(t).length * 7 }; } }; } };
    },
  },
  console: { error() {} },
};
sandbox.window = {
  console: sandbox.console,
  addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
  requestAnimationFrame(fn) { fn(); },
  echarts: {
    init(el, theme, opts) {
      const c = { el: el, renderer: opts && opts.renderer, resized: 0, option: null,
        setOption(o) { if (o.boom) { throw new Error('boom'); } this.option = o; },
        resize() { this.resized++; } };
      drawn.push(c);
      return c;
    },
    dispose() {},
  },
};
const ctx = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), ctx);
(listeners.resize || []).forEach((fn) => fn());
const ok = drawn.find((c) => c.el === charts[0]);
console.log(JSON.stringify({
  states: charts.map((c) => c.attrs['data-chart-state'] || ''),
  texts: charts.map((c) => c.textContent),
  failedClass: charts.map((c) => c.classes.includes('chart-failed')),
  renderer: ok ? ok.renderer : '',
  title: ok && ok.option ? ok.option.title.text : '',
  resized: ok ? ok.resized : 0,
  listeners: Object.keys(listeners).sort(),
}));
`

// TestChartsJSBehaviour runs charts.js under Node when it is installed:
// good options are drawn, every kind of broken or missing option leaves
// a text message instead, and nothing needs eval.
func TestChartsJSBehaviour(t *testing.T) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	js, err := fs.ReadFile(FS, "js/charts.js")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "charts.js")
	if err := os.WriteFile(script, js, 0o600); err != nil {
		t.Fatal(err)
	}
	harness := filepath.Join(dir, "harness.js")
	if err := os.WriteFile(harness, []byte(chartsJSHarness), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nodeBin, harness, script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		States      []string
		Texts       []string
		FailedClass []bool
		Renderer    string
		Title       string
		Resized     int
		Listeners   []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("harness output: %v\n%s", err, out)
	}
	// Order: ok, bad, missing, wrongtype, array, null, throws, notscript, "".
	wantStates := []string{"drawn", "failed", "failed", "failed", "failed", "failed", "failed", "failed", "failed"}
	if strings.Join(got.States, ",") != strings.Join(wantStates, ",") {
		t.Errorf("states = %v, want %v", got.States, wantStates)
	}
	if got.Texts[0] != "" {
		t.Errorf("drawn chart kept its fallback text %q", got.Texts[0])
	}
	for i := 1; i < len(got.Texts); i++ {
		if !strings.Contains(got.Texts[i], "could not be drawn") || !got.FailedClass[i] {
			t.Errorf("chart %d: text %q, failed class %v; want the message and class chart-failed", i, got.Texts[i], got.FailedClass[i])
		}
	}
	if got.Renderer != "canvas" {
		t.Errorf("renderer = %q, want canvas", got.Renderer)
	}
	if got.Title != "</script>" {
		t.Errorf("title = %q, want the label as text", got.Title)
	}
	if got.Resized != 1 {
		t.Errorf("a window resize resized the chart %d times, want 1", got.Resized)
	}
	if strings.Join(got.Listeners, ",") != "afterprint,beforeprint,resize" {
		t.Errorf("listeners = %v", got.Listeners)
	}
}
