import { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, normaliseArxivId, normaliseDoi, normaliseWhitespace } from '../fields.js';
import type { PaperFormat, PaperRecord, ReadResult } from '../types.js';
import { jsonLinesOf, truncate } from './lines.js';

/** Snapshot fields kept verbatim as metadata; the rest are mapped to typed fields or dropped (versions, raw authors). */
const METADATA_FIELDS = ['submitter', 'comments', 'report-no', 'license', 'update_date'] as const;

/**
 * Cornell's arXiv metadata snapshot (`arxiv-metadata-oai-snapshot.json` on Kaggle): JSON Lines under a
 * `.json` name, one object per line with `id`, `authors_parsed`, `categories`, `abstract`, ... Only the
 * first line is looked at: CSL-JSON, the other `.json` format, is one array, never a line of objects.
 */
export const arxivSnapshot: PaperFormat = {
  name: 'arXiv metadata snapshot',
  extensions: ['.json'],
  looksLike: (head) => {
    // The head may end inside the first line (abstracts are long; `authors_parsed` comes last).
    const firstLine = head
      .replace(/^\uFEFF/, '')
      .split('\n', 1)[0]!
      .trimStart();
    const hasKey = (key: string) => firstLine.includes(`"${key}":`) || firstLine.includes(`"${key}" :`);
    return firstLine.startsWith('{') && hasKey('id') && (hasKey('authors_parsed') || (hasKey('categories') && hasKey('abstract')));
  },
  read: readArxivSnapshot,
};

/**
 * Streams the snapshot (2.6 million lines, several GB) a line at a time; nothing outlives a line but the
 * record it yields. Bad lines are yielded as `skipped`, never thrown.
 */
export function readArxivSnapshot(file: string): AsyncGenerator<ReadResult> {
  return jsonLinesOf(file, paperOfEntry);
}

function paperOfEntry(json: unknown, skip: (reason: string) => ReadResult): ReadResult {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return skip('line is not a JSON object');
  const entry = json as Record<string, unknown>;

  const arxiv = normaliseArxivId(entry.id);
  if (arxiv === undefined)
    return skip(entry.id === undefined ? 'id is required' : `id is not an arXiv id: ${truncate(String(entry.id), 40)}`);
  const title = requiredText(entry, 'title', MAX_TITLE_CHARS);
  if ('reason' in title) return skip(title.reason);
  const abstract = requiredText(entry, 'abstract', MAX_ABSTRACT_CHARS);
  if ('reason' in abstract) return skip(abstract.reason);

  const record: PaperRecord = { title: title.text, abstract: abstract.text };
  const authors = authorsOf(entry);
  if (authors.length > 0) record.authors = authors;
  const date = firstSubmission(entry.versions) ?? monthOfNewStyleId(arxiv);
  if (date) {
    record.year = Number(date.slice(0, 4));
    record.date = date;
  }
  const venue = typeof entry['journal-ref'] === 'string' ? normaliseWhitespace(entry['journal-ref']) : '';
  if (venue) record.venue = venue;
  const tags = typeof entry.categories === 'string' ? [...new Set(entry.categories.split(/\s+/).filter(Boolean))] : [];
  if (tags.length > 0) record.tags = tags;
  // The field sometimes lists several DOIs (journal version and erratum); the first is the paper's.
  const doi = typeof entry.doi === 'string' ? normaliseDoi(entry.doi.trim().split(/\s+/)[0]) : undefined;
  if (doi) record.doi = doi;
  record.arxiv = arxiv;
  record.url = `https://arxiv.org/abs/${arxiv}`;
  const metadata = Object.fromEntries(
    METADATA_FIELDS.filter((field) => typeof entry[field] === 'string' && entry[field] !== '').map((field) => [field, entry[field]]),
  );
  if (Object.keys(metadata).length > 0) record.metadata = metadata;
  return { record };
}

/** A title or abstract: present, a string, not empty and within its limit once un-wrapped and de-LaTeXed. */
function requiredText(entry: Record<string, unknown>, field: string, maxChars: number): { text: string } | { reason: string } {
  const value = entry[field];
  if (value === undefined || value === null) return { reason: `${field} is required` };
  if (typeof value !== 'string') return { reason: `${field} must be a string` };
  const text = latexToText(value);
  if (text === '') return { reason: `${field} is empty` };
  if (text.length > maxChars) return { reason: `${field} is longer than ${maxChars} characters` };
  return { text };
}

/** "Given Family Suffix" from `authors_parsed` ([family, given, suffix, affiliation?]), else the raw `authors` line. */
function authorsOf(entry: Record<string, unknown>): string[] {
  if (Array.isArray(entry.authors_parsed)) {
    return entry.authors_parsed
      .map((parts) => {
        if (!Array.isArray(parts) || typeof parts[0] !== 'string') return '';
        const [family, given, suffix] = parts.map((part) => (typeof part === 'string' ? part : ''));
        return latexToText([given, family, suffix].join(' '));
      })
      .filter(Boolean);
  }
  // "A. Author (Affiliation), B. Author and C. Author": already in display order.
  if (typeof entry.authors === 'string')
    return latexToText(entry.authors.replace(/\([^()]*\)/g, ' '))
      .split(/,\s*|\s+and\s+/)
      .map((name) => name.trim())
      .filter(Boolean);
  return [];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon, 2 Apr 2007 19:18:42 GMT" of the first version → "2007-04-02" (the date arXiv stamped, in UTC). */
function firstSubmission(versions: unknown): string | undefined {
  const created = Array.isArray(versions) ? (versions[0] as { created?: unknown } | undefined)?.created : undefined;
  const match = typeof created === 'string' ? created.match(/(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})/) : null;
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[2]!) + 1;
  return month > 0 ? `${match[3]}-${String(month).padStart(2, '0')}-${match[1]!.padStart(2, '0')}` : undefined;
}

/** New-style ids start with the submission's year and month: "0704.0001" → "2007-04". */
function monthOfNewStyleId(arxiv: string): string | undefined {
  const match = arxiv.match(/^(\d\d)(\d\d)\./);
  return match ? `20${match[1]}-${match[2]}` : undefined;
}

// --- LaTeX to readable Unicode -------------------------------------------------------------------

/** Combining marks of LaTeX's accent commands; NFC then composes "o" + U+0308 into "ö". */
const ACCENTS: Record<string, string> = {
  '"': '\u0308',
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030C',
  H: '\u030B',
  c: '\u0327',
  k: '\u0328',
  r: '\u030A',
  d: '\u0323',
  b: '\u0331',
};

/** Control words that stand for a character or a word, in text and in math. */
const SYMBOLS: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  vartheta: 'ϑ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  varpi: 'ϖ',
  rho: 'ρ',
  varrho: 'ϱ',
  sigma: 'σ',
  varsigma: 'ς',
  tau: 'τ',
  upsilon: 'υ',
  phi: 'φ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'Γ',
  Delta: 'Δ',
  Theta: 'Θ',
  Lambda: 'Λ',
  Xi: 'Ξ',
  Pi: 'Π',
  Sigma: 'Σ',
  Upsilon: 'Υ',
  Phi: 'Φ',
  Psi: 'Ψ',
  Omega: 'Ω',
  ldots: '…',
  dots: '…',
  cdots: '⋯',
  leq: '≤',
  le: '≤',
  geq: '≥',
  ge: '≥',
  neq: '≠',
  ne: '≠',
  approx: '≈',
  sim: '∼',
  simeq: '≃',
  equiv: '≡',
  propto: '∝',
  ll: '≪',
  gg: '≫',
  times: '×',
  cdot: '·',
  pm: '±',
  mp: '∓',
  infty: '∞',
  to: '→',
  rightarrow: '→',
  leftarrow: '←',
  Rightarrow: '⇒',
  Leftrightarrow: '⇔',
  leftrightarrow: '↔',
  partial: '∂',
  nabla: '∇',
  sum: '∑',
  prod: '∏',
  int: '∫',
  oint: '∮',
  sqrt: '√',
  in: '∈',
  notin: '∉',
  subset: '⊂',
  subseteq: '⊆',
  cup: '∪',
  cap: '∩',
  forall: '∀',
  exists: '∃',
  emptyset: '∅',
  circ: '∘',
  ell: 'ℓ',
  hbar: 'ℏ',
  langle: '⟨',
  rangle: '⟩',
  prime: '′',
  ast: '∗',
  star: '⋆',
  mid: '|',
  vert: '|',
  deg: '°',
  degree: '°',
  textdegree: '°',
  dagger: '†',
  S: '§',
  P: '¶',
  copyright: '©',
  pounds: '£',
  euro: '€',
  LaTeX: 'LaTeX',
  TeX: 'TeX',
};

/** Letters that are control words; they join the word they stand in ("Stra\ss e" → "Straße"). */
const LETTERS: Record<string, string> = {
  ss: 'ß',
  o: 'ø',
  O: 'Ø',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  aa: 'å',
  AA: 'Å',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};

/** Commands whose argument is shown as it is (emphasis, fonts, boxes): `\emph{x}` → "x". */
const TEXT_COMMANDS = new Set([
  'emph',
  'textit',
  'textbf',
  'texttt',
  'textsc',
  'textrm',
  'textsf',
  'textsl',
  'textup',
  'textnormal',
  'text',
  'mbox',
  'hbox',
  'mathrm',
  'mathbf',
  'mathit',
  'mathcal',
  'mathbb',
  'mathsf',
  'mathtt',
  'mathfrak',
  'mathscr',
  'boldsymbol',
  'bm',
  'operatorname',
  'underline',
  'overline',
  'widetilde',
  'tilde',
  'hat',
  'widehat',
  'bar',
  'vec',
  'url',
]);

/** Old-style font switches (`{\em x}`), which only style what follows. */
const DECLARATIONS = new Set([
  'em',
  'it',
  'bf',
  'rm',
  'sl',
  'sc',
  'tt',
  'sf',
  'cal',
  'bfseries',
  'itshape',
  'normalfont',
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'displaystyle',
]);

const SUPERSCRIPTS: Record<string, string> = {
  0: '⁰',
  1: '¹',
  2: '²',
  3: '³',
  4: '⁴',
  5: '⁵',
  6: '⁶',
  7: '⁷',
  8: '⁸',
  9: '⁹',
  '+': '⁺',
  '-': '⁻',
  '−': '⁻',
  n: 'ⁿ',
  i: 'ⁱ',
  '*': '*',
  '′': '′',
};
const SUBSCRIPTS: Record<string, string> = {
  0: '₀',
  1: '₁',
  2: '₂',
  3: '₃',
  4: '₄',
  5: '₅',
  6: '₆',
  7: '₇',
  8: '₈',
  9: '₉',
  '+': '₊',
  '-': '₋',
};

/** Anything a plain text need not be converted for: most titles and many abstracts. */
const LATEX_HINT = /[\\$~{}]|--|``|''/;

/**
 * Readable Unicode for the LaTeX found in arXiv titles, abstracts and names: accents (`\"o`, `{\'e}`),
 * special letters (`\ss`), inline math (`$\alpha$` → α, `$10^{-3}$` → 10⁻³), font commands
 * (`\emph{x}` → x), dashes and quotes; an unknown macro keeps its name without the backslash.
 * Hard-wrapped lines become one line.
 */
export function latexToText(text: string): string {
  if (!LATEX_HINT.test(text)) return normaliseWhitespace(text);
  let result = text
    // Escaped braces and dollars must survive brace stripping and math detection: private-use stand-ins.
    .replace(/\\([{}$])/g, (_, char: string) => ({ '{': '\uE000', '}': '\uE001', $: '\uE002' })[char]!)
    .replace(/\$\$?([^$]*)\$\$?/g, (_, math: string) => mathToText(math))
    .replace(/\\\(([\s\S]*?)\\\)/g, (_, math: string) => mathToText(math));
  result = commandsToText(result)
    .replace(/---/g, '—')
    .replace(/--/g, '–')
    .replace(/``/g, '“')
    .replace(/''/g, '”')
    .replace(/~/g, ' ')
    .replace(/[{}]/g, '')
    .replace(/[\uE000\uE001\uE002]/g, (char) => ({ '\uE000': '{', '\uE001': '}', '\uE002': '$' })[char]!);
  return normaliseWhitespace(result).normalize('NFC');
}

function mathToText(math: string): string {
  const withoutStructures = math
    .replace(
      /\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g,
      (_, numerator: string, denominator: string) => `${grouped(numerator)}/${grouped(denominator)}`,
    )
    .replace(/\\sqrt\s*\{([^{}]*)\}/g, (_, radicand: string) => `√${grouped(radicand)}`);
  const converted = commandsToText(withoutStructures);
  return converted
    .replace(/\^\s*(?:\{([^{}]*)\}|(\S))/g, (_, group: string | undefined, single: string | undefined) =>
      scripted(group ?? single!, SUPERSCRIPTS, '^'),
    )
    .replace(/_\s*(?:\{([^{}]*)\}|(\S))/g, (_, group: string | undefined, single: string | undefined) =>
      scripted(group ?? single!, SUBSCRIPTS, '_'),
    );
}

/** A single number or letter as it is, anything longer in brackets: "1" → "1", "x+1" → "(x+1)". */
function grouped(expression: string): string {
  const trimmed = expression.trim();
  return /^[\p{L}\p{N}.]+$/u.test(trimmed) ? trimmed : `(${trimmed})`;
}

/** "10^{-3}" → "10⁻³" when every character has a Unicode super/subscript, else "^(-3x)". */
function scripted(content: string, table: Record<string, string>, mark: string): string {
  const chars = [...content.replace(/\s+/g, '')];
  if (chars.length > 0 && chars.every((char) => table[char] !== undefined)) return chars.map((char) => table[char]).join('');
  return chars.length === 1 ? `${mark}${content}` : `${mark}(${content.trim()})`;
}

function commandsToText(text: string): string {
  if (!text.includes('\\')) return text;
  let result = text
    // Accented letters: \"o, \"{o}, \'{\i}, \c{c}, \v s.
    .replace(
      /\\(["'`^~=.])\s*(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))/g,
      (_, accent: string, braced: string | undefined, bare: string | undefined) => accented(braced ?? bare!, accent),
    )
    .replace(
      /\\([uvHckrdb])(?:\s*\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|\s+([A-Za-z]))/g,
      (_, accent: string, braced: string | undefined, spaced: string | undefined) => accented(braced ?? spaced!, accent),
    );
  // Font commands, innermost first so nested ones unwrap too.
  let previous: string;
  do {
    previous = result;
    result = result.replace(/\\([A-Za-z]+)\s*\{([^{}]*)\}/g, (whole, name: string, argument: string) =>
      TEXT_COMMANDS.has(name) ? argument : whole,
    );
  } while (result !== previous);
  return (
    result
      .replace(/\\\\/g, ' ')
      .replace(/\\([A-Za-z]+)(\s*)(?=(\{?))/g, (_, name: string, space: string, argument: string) => {
        if (DECLARATIONS.has(name) || TEXT_COMMANDS.has(name)) return '';
        if (LETTERS[name] !== undefined) return LETTERS[name];
        // An unknown command stays as its name, apart from its argument: `\foo{bar}` → "foo bar".
        return (SYMBOLS[name] ?? name) + (space || (argument ? ' ' : ''));
      })
      // After control words, so `\AA\ bump` keeps its explicit space.
      .replace(/\\[,;: ]/g, ' ')
      .replace(/\\!/g, '')
      .replace(/\\([%&#_])/g, '$1')
  );
}

function accented(letter: string, accent: string): string {
  const base = letter === '\\i' ? 'i' : letter === '\\j' ? 'j' : letter;
  return (base + ACCENTS[accent]!).normalize('NFC');
}
