/**
 * Where each statement of a policy document sits in its JSON text, so the editor can underline the
 * statement a validation error is about and highlight the statements that decided a request.
 * A small JSON scanner: it reads the top-level object and records the range of each element of
 * `Statement` (or of the one statement object). Malformed text gives no ranges.
 */
export interface Range {
  from: number;
  to: number;
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  fail(): never {
    throw new SyntaxError('json');
  }

  string(): string {
    if (this.text[this.pos] !== '"') this.fail();
    let out = '';
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos];
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '\\') {
        this.pos++;
        out += this.text[this.pos] ?? '';
      } else out += ch;
    }
    return this.fail();
  }

  /** Skips one value; returns its range. */
  value(): Range {
    this.ws();
    const from = this.pos;
    const ch = this.text[this.pos];
    if (ch === '{') this.object(() => this.value());
    else if (ch === '[') this.array(() => this.value());
    else if (ch === '"') this.string();
    else {
      const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
        this.text.slice(this.pos, this.pos + 64),
      );
      if (!m) this.fail();
      this.pos += m[0].length;
    }
    return { from, to: this.pos };
  }

  object(member: (key: string, keyRange: Range) => void): void {
    this.pos++; // {
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const keyFrom = this.pos;
      const key = this.string();
      const keyRange = { from: keyFrom, to: this.pos };
      this.ws();
      if (this.text[this.pos++] !== ':') this.fail();
      member(key, keyRange);
      this.ws();
      const next = this.text[this.pos++];
      if (next === '}') return;
      if (next !== ',') this.fail();
    }
  }

  array(element: () => void): void {
    this.pos++; // [
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      element();
      this.ws();
      const next = this.text[this.pos++];
      if (next === ']') return;
      if (next !== ',') this.fail();
    }
  }
}

export function statementRanges(text: string): Range[] {
  const s = new Scanner(text);
  const ranges: Range[] = [];
  try {
    s.ws();
    if (text[s.pos] !== '{') return [];
    s.object((key) => {
      if (key !== 'Statement') {
        s.value();
        return;
      }
      s.ws();
      if (text[s.pos] === '[') s.array(() => ranges.push(s.value()));
      else ranges.push(s.value());
    });
    return ranges;
  } catch {
    return [];
  }
}

/** One member of a JSON object: its key, where the key is and where its value is. */
export interface Member {
  key: string;
  keyRange: Range;
  value: Range;
}

/**
 * The members of the JSON object that starts at `at` (after optional whitespace), in document
 * order (duplicate keys included), or [] when there is no well-formed object there.
 */
export function members(text: string, at = 0): Member[] {
  const s = new Scanner(text);
  s.pos = at;
  const found: Member[] = [];
  try {
    s.ws();
    if (text[s.pos] !== '{') return [];
    s.object((key, keyRange) => found.push({ key, keyRange, value: s.value() }));
    return found;
  } catch {
    return [];
  }
}
