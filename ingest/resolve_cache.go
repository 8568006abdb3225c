package ingest

import (
	"github.com/assure-pcc/assure/ingest/xlsx"
)

// Remembering how a row's measure resolved.
//
// A long sheet names the same few measures on row after row, usually
// with the same unit, target, classification and direction beside them.
// Resolving a row's measure looks its name up in the catalogue (folding
// case and spacing), writes its cell's name twice and, on a sheet with
// attribute columns, parses and compares every attribute: a sixth of a
// 500,000-row ingest's reading. Once a name has resolved on a sheet, a
// later row that gives the same name and the same attribute cells
// resolves the same way and changes nothing (the catalogue's record, the
// measure's definition and its creation are all made by the first), so
// it takes the answer kept here. Rows whose attribute cells are formulas
// or copies of a merged cell are always resolved in full.

// attrCell is what resolving reads of one attribute cell.
type attrCell struct {
	present bool
	typ     xlsx.CellType
	value   string
	format  string
}

// attrSignature is a row's attribute cells, in rowAttributeRoles order.
type attrSignature [4]attrCell

// resolvedName is how a name resolved on the current sheet.
type resolvedName struct {
	attrs attrSignature
	id    string
}

// resolveCache holds the names resolved on one sheet.
type resolveCache struct {
	sheet string
	names map[string]resolvedName
}

// attrsOf returns the row's attribute cells, and false when one of them
// must be read in full every time.
func attrsOf(cells []xlsx.Cell, h header) (attrSignature, bool) {
	var sig attrSignature
	for i, ro := range rowAttributeRoles {
		col, ok := h.cols[ro]
		if !ok {
			continue
		}
		var c xlsx.Cell
		for _, x := range cells {
			if x.Col == col {
				c = x
				break
			}
		}
		if c.Formula || c.Merge != nil {
			return sig, false
		}
		sig[i] = attrCell{present: true, typ: c.Type, value: c.Value, format: c.Format}
	}
	return sig, true
}

// lookup returns the measure a name resolved to on sheet with the same
// attribute cells.
func (rc *resolveCache) lookup(sheet, text string, sig attrSignature) (string, bool) {
	if rc.sheet != sheet {
		return "", false
	}
	got, ok := rc.names[text]
	if !ok || got.attrs != sig {
		return "", false
	}
	return got.id, true
}

// remember keeps how a name resolved on sheet.
func (rc *resolveCache) remember(sheet, text string, sig attrSignature, id string) {
	if rc.sheet != sheet || rc.names == nil {
		rc.sheet, rc.names = sheet, map[string]resolvedName{}
	}
	rc.names[text] = resolvedName{attrs: sig, id: id}
}
