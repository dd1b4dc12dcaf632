/** A 1-based line and column in a policy document's text. */
export type Position = {
  Line: number;
  Column: number;
};

/**
 * Where each statement of a JSON policy starts and ends in its text, for SimulatePolicy's
 * MatchedStatements StartPosition/EndPosition. Statement `i` of an array, or the single statement
 * object. Returns [] when the text is not shaped as expected (positions are then omitted).
 */
export function statementSpans(text: string): Array<{ start: Position; end: Position }> {
  const spans: Array<[number, number]> = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipString = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  // Skips one JSON value starting at i; returns its [start, end) offsets.
  const skipValue = (): [number, number] => {
    ws();
    const start = i;
    if (text[i] === '"') {
      skipString();
      return [start, i];
    }
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        const c = text[i];
        if (c === '"') {
          skipString();
          continue;
        }
        if (c === '{' || c === '[') depth++;
        if (c === '}' || c === ']') depth--;
        i++;
      } while (depth > 0 && i < text.length);
      return [start, i];
    }
    while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
    return [start, i];
  };
  ws();
  if (text[i] !== '{') return [];
  i++;
  while (i < text.length) {
    ws();
    if (text[i] === '}') break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '"') return [];
    const keyStart = i;
    skipString();
    const key = text.slice(keyStart + 1, i - 1);
    ws();
    if (text[i] !== ':') return [];
    i++;
    ws();
    if (key !== 'Statement') {
      skipValue();
      continue;
    }
    if (text[i] === '[') {
      i++;
      for (;;) {
        ws();
        if (text[i] === ']' || i >= text.length) break;
        if (text[i] === ',') {
          i++;
          continue;
        }
        spans.push(skipValue());
      }
    } else {
      spans.push(skipValue());
    }
    break;
  }
  return spans.map(([s, e]) => ({ start: position(text, s), end: position(text, e) }));
}

function position(text: string, offset: number): Position {
  let line = 1;
  let col = 1;
  for (let k = 0; k < offset; k++) {
    if (text[k] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { Line: line, Column: col };
}
