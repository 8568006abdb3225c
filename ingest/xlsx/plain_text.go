package xlsx

// Plain cell content, read without tokenizing.
//
// Nearly every cell a tool writes holds its content as <v>42</v> or
// <is><t>North</t></is>, with text that needs no decoding: no reference,
// no CR, nothing outside printable ASCII but tab and LF, no ']' or '>'.
// Scanning such content token by token (a start tag, its character data,
// an end tag, each checked) was most of the reading of a large sheet.
// plainText recognises it whole in the scanner's buffer, and the effect
// on the scanner is exactly the tokens' own: the text captured, the same
// bytes consumed, the open elements as they were. Anything else (a
// prefix, an attribute, an entity, white space between the tags, content
// split across the buffer's end, a text over its cap) is left to the
// tokens. FuzzPlainText holds the two readings equal.

// plainText reports the length of open + text + close at the scanner's
// position, and the text, when the text is plain (see textClass); n is 0
// otherwise. push is how many elements open would open, for the depth
// bound.
func (s *scanner) plainText(open, close string, push int) (text []byte, n int) {
	if s.err != nil || s.capture || s.pendingEnd || s.plainOff || len(s.ends)+push > maxDepth {
		return nil, 0
	}
	b := s.buf[s.r:s.w]
	if len(b) < len(open)+len(close) || string(b[:len(open)]) != open {
		return nil, 0
	}
	i := len(open)
	for i < len(b) && !textClass[b[i]] {
		i++
	}
	if len(b)-i < len(close) || string(b[i:i+len(close)]) != close {
		return nil, 0
	}
	return b[len(open):i], i + len(close)
}

// takePlain consumes what plainText found, capturing its text as the
// character data between the tags would be captured. Markup ends
// character data, so the count of ']' restarts, as next does.
func (s *scanner) takePlain(text []byte, n int) {
	s.text = append(s.text, text...)
	s.brackets = 0
	s.r += n
}
