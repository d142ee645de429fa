import type { PaperRecord } from './types.js';

/**
 * Limits shared by every input format. They exist so a corrupt or hostile input line
 * cannot put a multi-megabyte "title" into the index; real titles and abstracts are far
 * below them.
 */
export const MAX_TITLE_CHARS = 1_000;
export const MAX_ABSTRACT_CHARS = 100_000;

/** Trim and collapse whitespace runs; the text is otherwise kept verbatim. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "https://doi.org/10.1234/ABC" or "doi:10.1234/abc" → "10.1234/abc"; undefined when it is not a DOI. */
export function normaliseDoi(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const doi = value
    .trim()
    .replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:\s*)/i, '')
    .toLowerCase();
  return /^10\.\d{4,9}\/\S+$/.test(doi) ? doi : undefined;
}

/** "arXiv:2401.01234v2" or an abs/pdf URL → "2401.01234"; old-style "hep-th/9901001" kept; undefined otherwise. */
export function normaliseArxivId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const id = value
    .trim()
    .replace(/^(arxiv:|https?:\/\/arxiv\.org\/(abs|pdf)\/)/i, '')
    .replace(/\.pdf$/i, '')
    .replace(/v\d+$/, '');
  return /^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/i.test(id) ? id : undefined;
}

/** Only http(s) links are ever kept: a `javascript:` or `file:` URL from an export must not become a link. */
export function httpUrl(value: unknown): string | undefined {
  return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim()) ? value.trim() : undefined;
}

/** The year and ISO date in a date-like value: 2024, "2024", "2024-05-17", "2024/05", "May 2024". */
export function dateOf(value: unknown): { year?: number; date?: string } {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const iso = text.match(/^(\d{4})(?!\d)(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?/);
  if (iso) {
    const [, year, month, day] = iso;
    const parts = [year!, month?.padStart(2, '0'), day?.padStart(2, '0')].filter(Boolean);
    return { year: Number(year), date: parts.join('-') };
  }
  const anywhere = text.match(/\b(1[89]\d\d|20\d\d)\b/);
  return anywhere ? { year: Number(anywhere[1]), date: anywhere[1] } : {};
}

/**
 * Authors from a string, a list of names, or CSL-style `{family, given}` objects. In a string, "and"
 * and ";" separate names; within a piece, one comma next to a one-word part is "Family, Given"
 * ("Lovelace, Ada", "van der Berg, Jan"), while other commas separate display names
 * ("C. Balázs, E. L. Berger" as arXiv lists them).
 */
export function authorList(value: unknown): string[] {
  if (typeof value === 'string') {
    return normaliseWhitespace(value)
      .split(/\s+and\s+|;/)
      .flatMap((piece) => {
        const parts = piece
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
        const familyGiven = parts.length === 2 && (!parts[0]!.includes(' ') || !parts[1]!.includes(' '));
        return familyGiven ? [displayName(piece)] : parts;
      });
  }
  if (!Array.isArray(value)) return [];
  return value
    .map((author) => {
      if (typeof author === 'string') return displayName(author);
      if (author && typeof author === 'object') {
        const { family, given, name, literal } = author as Record<string, unknown>;
        if (typeof family === 'string') return typeof given === 'string' && given ? `${given} ${family}` : family;
        if (typeof literal === 'string') return literal.trim();
        if (typeof name === 'string') return displayName(name);
      }
      return '';
    })
    .filter(Boolean);
}

/** "Lovelace, Ada" → "Ada Lovelace"; whitespace collapsed. */
export function displayName(name: string): string {
  const clean = normaliseWhitespace(name);
  const comma = clean.indexOf(',');
  return comma > 0 ? `${clean.slice(comma + 1).trim()} ${clean.slice(0, comma).trim()}`.trim() : clean;
}

/** A list of tags from a string ("a, b; c") or an array, each once. */
export function tagList(value: unknown): string[] {
  const items =
    typeof value === 'string'
      ? value.split(/[;,]/)
      : Array.isArray(value)
        ? value.filter((item): item is string => typeof item === 'string')
        : [];
  return [...new Set(items.map((item) => normaliseWhitespace(item)).filter(Boolean))];
}

type TypedFields = Omit<PaperRecord, 'title' | 'abstract' | 'id' | 'metadata'>;

/**
 * Splits a loose record's extra fields (JSON Lines) into the paper's typed fields — recognised under
 * their common spellings — and the rest, which stays metadata.
 */
export function typedFields(extra: Record<string, unknown>): { fields: TypedFields; rest: Record<string, unknown> } {
  const rest = { ...extra };
  const take = (...keys: string[]) => {
    for (const key of keys) {
      if (rest[key] !== undefined && rest[key] !== null && rest[key] !== '') {
        const value = rest[key];
        delete rest[key];
        return value;
      }
    }
    return undefined;
  };
  const fields: TypedFields = {};
  const authors = authorList(take('authors', 'author'));
  if (authors.length > 0) fields.authors = authors;
  const { year, date } = dateOf(take('date', 'published', 'issued', 'year'));
  if (year !== undefined) fields.year = year;
  if (date !== undefined && date.length > 4) fields.date = date;
  const venue = take('venue', 'journal', 'booktitle', 'container-title');
  if (typeof venue === 'string') fields.venue = normaliseWhitespace(venue);
  const tags = tagList(take('tags', 'keywords', 'categories'));
  if (tags.length > 0) fields.tags = tags;
  const doi = normaliseDoi(take('doi', 'DOI'));
  if (doi) fields.doi = doi;
  const arxiv = normaliseArxivId(take('arxiv', 'arxiv_id'));
  if (arxiv) fields.arxiv = arxiv;
  const pmid = take('pmid', 'PMID');
  if (typeof pmid === 'string' || typeof pmid === 'number') fields.pmid = String(pmid);
  const url = httpUrl(take('url', 'URL', 'link'));
  if (url) fields.url = url;
  return { fields, rest };
}

/** An arXiv id that says it is one: "arXiv:2401.01234v2", "arXiv: hep-th/9901001" or an arxiv.org abs/pdf link. */
export function labelledArxivId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = value.match(/(?:^|[^\w.])arxiv\s*:\s*([\w./-]*\w)|arxiv\.org\/(?:abs|pdf)\/([\w./-]*\w)/i);
  return match ? normaliseArxivId(match[1] ?? match[2]) : undefined;
}

/** A PubMed id that says it is one: "PMID: 32939066" or Scopus's "PubMed ID: 32939066", at the start or after a ";". */
export function labelledPmid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.match(/(?:^|[;\n]|<p>)\s*(?:PMID|PubMed ID)\s*:\s*(\d{1,9})\b/i)?.[1];
}

/**
 * A title without the rich-text markup CSL processors (and Zotero's title field) use: <i>, <b>,
 * <sup>, <sub>, <sc> and the nocase / small-caps spans. A title that literally contains one of
 * these tags as text is indistinguishable from markup and loses it.
 */
export function plainTitle(title: string): string {
  return normaliseWhitespace(
    title.replace(/<\/?(?:i|b|sup|sub|sc)>|<span (?:class="nocase"|style="font-variant: ?small-caps;?")>|<\/span>/g, ''),
  );
}
