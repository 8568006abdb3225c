package dashboard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// showTipsJS shows the tooltip of every chart on the page, at its first
// point, as a pointer over it would, and reports for each chart whether
// the tooltip drew anything: the pixels of the chart's canvases that
// changed.
const showTipsJS = `(() => {
  const pixels = el => Array.from(el.querySelectorAll('canvas')).map(c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += d[i] + 3 * d[i+1] + 7 * d[i+2] + 11 * d[i+3];
    return sum;
  }).join(',');
  return Array.from(document.querySelectorAll('[data-chart]')).map(el => {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) return 'no chart';
    const before = pixels(el);
    chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
    chart.getZr().flush();
    return before === pixels(el) ? 'nothing drawn' : 'drawn';
  });
})()`

// ECharts builds its HTML tooltips with inline style attributes, which
// the Content-Security-Policy (style-src 'self') refuses: the tooltips
// came out unstyled, with a CSP error each. Tooltips are drawn on the
// chart's canvas instead; showing every chart's tooltip raises no
// policy violation, adds no element with a style attribute, and draws.
func TestChartTooltipsKeepToTheCSP(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	w := watch(ctx)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), log.Enable()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/metrics/calls-999", "/metrics/neighbourhood-crime", "/public/metrics/calls-999", "/"} {
		var results []string
		var violations []string
		var styled int
		err := chromedp.Run(ctx,
			chromedp.Navigate(ts.URL+path),
			chromedp.WaitVisible(`[data-chart-state="drawn"]`),
			chromedp.Evaluate(`window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + (e.sample || '')));`, nil),
			chromedp.Evaluate(showTipsJS, &results),
			// The policy's reports are sent as events after the fact.
			chromedp.Sleep(300*time.Millisecond),
			chromedp.Evaluate(`window.__csp`, &violations),
			chromedp.Evaluate(`document.querySelectorAll('[data-chart] [style*="box-shadow"], body > div[style*="z-index: 9999999"]').length`, &styled),
		)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(results) == 0 {
			t.Errorf("%s: no charts", path)
		}
		// The first chart with its tooltip, for a person to look at
		// (go test -artifacts).
		var shot []byte
		if err := chromedp.Run(ctx, chromedp.Screenshot(`[data-chart]`, &shot, chromedp.NodeVisible)); err == nil {
			name := strings.Trim(strings.NewReplacer("/", "-").Replace(path), "-")
			if name == "" {
				name = "overview"
			}
			_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "tooltip-"+name+".png"), shot, 0o644)
		}
		for i, r := range results {
			if r != "drawn" {
				t.Errorf("%s: chart %d's tooltip: %s", path, i, r)
			}
		}
		if len(violations) > 0 {
			t.Errorf("%s: the tooltips broke the Content-Security-Policy %d times: %v", path, len(violations), violations[:min(3, len(violations))])
		}
		if styled > 0 {
			t.Errorf("%s: %d HTML tooltips, styled inline", path, styled)
		}
		problems, _ := w.take()
		for _, p := range problems {
			if strings.Contains(p, "Content Security Policy") || strings.Contains(p, "inline style") {
				t.Errorf("%s: %.200s", path, p)
				break
			}
		}
	}
}
