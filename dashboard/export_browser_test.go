package dashboard

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// catchDownloadsJS makes the page record, instead of saving, what a
// link with a download attribute would save when clicked: ECharts'
// toolbox dispatches a click on a detached <a download>, and the save
// button calls click() on one. It runs through the DevTools protocol,
// which the page's Content-Security-Policy does not govern.
const catchDownloadsJS = `(() => {
  window.__saved = [];
  const record = a => window.__saved.push({name: a.download, href: a.href});
  const dispatch = HTMLAnchorElement.prototype.dispatchEvent;
  HTMLAnchorElement.prototype.dispatchEvent = function (e) {
    if (e.type === 'click' && this.download) { record(this); return true; }
    return dispatch.call(this, e);
  };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (this.download) { record(this); return; }
    return click.call(this);
  };
  return true;
})()`

// toolboxIconJS brings the first chart into view, finds its toolbox's
// "Save as PNG" icon and gives the icon's centre in viewport
// coordinates, the chart's size, and the toolbox's settings as the
// chart holds them.
const toolboxIconJS = `(() => {
  const el = document.querySelector('[data-chart]');
  el.scrollIntoView({block: 'center'});
  const chart = echarts.getInstanceByDom(el);
  const box = el.getBoundingClientRect();
  const tb = chart.getOption().toolbox[0];
  const icon = chart.getZr().storage.getDisplayList(true).find(d => d.__title === 'Save as PNG');
  if (!icon) return {found: false, type: tb.feature.saveAsImage.type};
  const r = icon.getPaintRect();
  return {found: true, x: box.left + r.x + r.width / 2, y: box.top + r.y + r.height / 2,
    width: box.width, height: box.height, type: tb.feature.saveAsImage.type, name: tb.feature.saveAsImage.name,
    inside: r.x >= 0 && r.y >= 0 && r.x + r.width <= box.width && r.y + r.height <= box.height};
})()`

// decodeChartPNG decodes a data: URL and checks that it is a PNG with
// something drawn on it: pixels that are neither white nor transparent.
func decodeChartPNG(t *testing.T, what, dataURL string) image.Image {
	t.Helper()
	b64, ok := strings.CutPrefix(dataURL, "data:image/png;base64,")
	if !ok {
		t.Fatalf("%s: not a PNG data URL: %.40q", what, dataURL)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s: no PNG signature", what)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	drawn := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			if a > 0 && (r < 0xf000 || g < 0xf000 || b < 0xf000) {
				drawn++
			}
		}
	}
	// A title, axes, labels and a line: thousands of pixels. A blank
	// or background-only image has none.
	if drawn < 1000 {
		t.Errorf("%s: %dx%d PNG has only %d drawn pixels", what, bounds.Dx(), bounds.Dy(), drawn)
	}
	return img
}

type savedFile struct {
	Name string `json:"name"`
	Href string `json:"href"`
}

// TestChartsExportAsPNG proves that a chart can be saved as a PNG in the
// browser, under the page's unchanged Content-Security-Policy: through
// ECharts itself (getDataURL), through the toolbox's own "Save as PNG"
// icon clicked with the mouse, and through the "Save chart as PNG"
// button with the keyboard alone.
func TestChartsExportAsPNG(t *testing.T) {
	ctx := browser(t)
	srv, _ := testServer(t, "sqlite")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	w := watch(ctx)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), log.Enable()); err != nil {
		t.Fatal(err)
	}
	const page = "/metrics/calls-999"
	resp, err := http.Get(ts.URL + page)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Security-Policy"); got != contentSecurityPolicy || strings.Contains(got, "unsafe") {
		t.Errorf("Content-Security-Policy = %q", got)
	}
	err = chromedp.Run(ctx, chromedp.Navigate(ts.URL+page), chromedp.WaitVisible("[data-chart] canvas"),
		// ECharts draws on the next animation frame.
		chromedp.Sleep(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}

	// ECharts' own export of the drawn chart.
	var dataURL string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`echarts.getInstanceByDom(document.querySelector('[data-chart]')).getDataURL({type: 'png', pixelRatio: 1, backgroundColor: '#ffffff'})`, &dataURL)); err != nil {
		t.Fatal(err)
	}
	img := decodeChartPNG(t, "getDataURL", dataURL)

	// The toolbox icon is there, inside the chart, and a mouse click on
	// it saves a PNG named after the chart.
	var icon struct {
		Found  bool    `json:"found"`
		Inside bool    `json:"inside"`
		X      float64 `json:"x"`
		Y      float64 `json:"y"`
		Width  float64 `json:"width"`
		Height float64 `json:"height"`
		Type   string  `json:"type"`
		Name   string  `json:"name"`
	}
	if err := chromedp.Run(ctx, chromedp.Evaluate(toolboxIconJS, &icon), chromedp.Evaluate(catchDownloadsJS, nil)); err != nil {
		t.Fatal(err)
	}
	if !icon.Found || !icon.Inside || icon.Type != "png" {
		t.Fatalf("toolbox: %+v, want a PNG save icon inside the chart", icon)
	}
	if bounds := img.Bounds(); bounds.Dx() != int(icon.Width) || bounds.Dy() != int(icon.Height) {
		t.Errorf("the PNG is %dx%d, the chart %.0fx%.0f", bounds.Dx(), bounds.Dy(), icon.Width, icon.Height)
	}
	var saved []savedFile
	if err := chromedp.Run(ctx, chromedp.MouseClickXY(icon.X, icon.Y), chromedp.Sleep(200*time.Millisecond),
		chromedp.Evaluate(`window.__saved`, &saved)); err != nil {
		t.Fatal(err)
	}
	if len(saved) != 1 || saved[0].Name != icon.Name+".png" {
		t.Fatalf("clicking the toolbox icon at %+v saved %d files (%+v), want %s.png", icon, len(saved), saved, icon.Name)
	}
	decodeChartPNG(t, "the toolbox's PNG", saved[0].Href)

	// The same from the keyboard: Tab reaches the save button, which
	// names its chart, and Enter saves a PNG.
	var label string
	var focused bool
	err = chromedp.Run(ctx, chromedp.Evaluate(`window.__saved = []`, nil),
		chromedp.Text(".chart-save button", &label, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(label, "Save chart as PNG") {
		t.Errorf("the button says %q", label)
	}
	// Tab from the element just before the button (the last focusable
	// thing before it in document order).
	err = chromedp.Run(ctx, chromedp.Evaluate(`(() => {
	  const b = document.querySelector('.chart-save button');
	  const all = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'));
	  const before = all[all.indexOf(b) - 1];
	  before.focus();
	  return true;
	})()`, nil), chromedp.KeyEvent(kb.Tab),
		chromedp.Evaluate(`document.activeElement === document.querySelector('.chart-save button')`, &focused))
	if err != nil {
		t.Fatal(err)
	}
	if !focused {
		t.Fatalf("Tab did not reach the save button")
	}
	if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Enter), chromedp.Sleep(200*time.Millisecond), chromedp.Evaluate(`window.__saved`, &saved)); err != nil {
		t.Fatal(err)
	}
	if len(saved) != 1 || saved[0].Name != icon.Name+".png" {
		t.Fatalf("Enter on the button saved %+v", saved)
	}
	if b := decodeChartPNG(t, "the button's PNG", saved[0].Href).Bounds(); b.Dx() != 2*int(icon.Width) {
		t.Errorf("the button's PNG is %d wide, want twice the chart's %.0f", b.Dx(), icon.Width)
	}
	checkAxe(t, ctx, page)
	if problems, _ := w.take(); len(problems) > 0 {
		t.Errorf("the page reported: %s", strings.Join(problems, "; "))
	}
}
