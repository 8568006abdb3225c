package ingest

import (
	"fmt"
	"strings"

	"github.com/assure-pcc/assure/metrics"
	"github.com/xuri/excelize/v2"
)

// maxCalculated caps how many formulas without a cached value one file
// may ask Assure to calculate: each opens the workbook's formula engine.
const maxCalculated = 1000

// maxCalcFileBytes is the largest file whose formulas Assure calculates;
// excelize holds the whole workbook in memory to do so.
const maxCalcFileBytes = 20 << 20

// formulaCalc calculates formulas that were saved without a cached value
// (some tools write none), opening the workbook with excelize on first
// need only. Every reader of a workbook (performance, finance) uses it.
type formulaCalc struct {
	src    original
	opened bool
	f      *excelize.File
	err    error
	count  int
}

// newFormulaCalc calculates the formulas of the workbook src.
func newFormulaCalc(src original) *formulaCalc { return &formulaCalc{src: src} }

// calculate returns the value of the formula in sheet!ref as raw text.
func (c *formulaCalc) calculate(sheet, ref string) (string, error) {
	if !c.opened {
		c.opened = true
		if c.src.size > maxCalcFileBytes {
			c.err = fmt.Errorf("too large to calculate")
		} else {
			c.f, c.err = excelize.OpenReader(c.src.reader(), excelize.Options{
				RawCellValue: true, UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20,
			})
		}
	}
	c.count++
	if c.err != nil || c.count > maxCalculated {
		return "", metrics.Errorf(metrics.EINVALID, "the formula has no saved value: open the file in Excel, let it calculate, save it and upload it again")
	}
	v, err := c.f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if strings.HasPrefix(v, "#") {
		return "", metrics.Errorf(metrics.EINVALID, "the formula gives %q, an error value: fix the formula or clear the cell", v)
	}
	if err != nil || v == "" {
		return "", metrics.Errorf(metrics.EINVALID, "the formula has no saved value and Assure cannot calculate it: open the file in Excel, let it calculate, save it and upload it again")
	}
	return v, nil
}

// close releases the formula engine, if it was opened.
func (c *formulaCalc) close() {
	if c != nil && c.f != nil {
		c.f.Close()
	}
}
