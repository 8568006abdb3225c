package dashboard

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestEndDatesNoEarlierThanTheirStart: on a measure's page, an
// annotation's end date takes its start as its lower bound as the start
// is typed (forms.js), so the browser refuses an end before the start
// and keeps the form, and the period form's "to" month its "from".
func TestEndDatesNoEarlierThanTheirStart(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	if err := browserSignIn(ctx, ts.URL, "analyst"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Min, ToMin           string
		Before, After, Blank bool
	}
	js := `(() => {
  const start = document.getElementById('ann-new-start'), end = document.getElementById('ann-new-end');
  start.value = '2022-03-01'; start.dispatchEvent(new Event('input'));
  end.value = '2022-02-01';
  const before = end.checkValidity();
  end.value = '2022-03-05';
  const after = end.checkValidity();
  start.value = ''; start.dispatchEvent(new Event('change'));
  const blank = end.min === '';
  const from = document.getElementById('tp-from'), to = document.getElementById('tp-to');
  from.value = '2021-04'; from.dispatchEvent(new Event('input'));
  start.value = '2022-03-01'; start.dispatchEvent(new Event('input'));
  return {Min: end.min, ToMin: to.min, Before: before, After: after, Blank: blank};
})()`
	if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/metrics/calls-999"), chromedp.WaitReady("#ann-new-end"),
		chromedp.Evaluate(js, &got)); err != nil {
		t.Fatal(err)
	}
	if got.Min != "2022-03-01" || got.Before || !got.After || !got.Blank || got.ToMin != "2021-04" {
		t.Errorf("end.min %q, an end before the start valid %t, after it %t, no bound without a start %t, to.min %q; want 2022-03-01, false, true, true, 2021-04",
			got.Min, got.Before, got.After, got.Blank, got.ToMin)
	}
}
