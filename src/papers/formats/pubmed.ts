import { createReadStream } from 'node:fs';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, normaliseDoi, normaliseWhitespace } from '../fields.js';
import type { PaperFormat, PaperRecord, ReadResult, SkippedLine } from '../types.js';

/**
 * PubMed XML (PubMed's "Save → XML", E-utilities `efetch`, the annual baseline files): a
 * `<PubmedArticleSet>` of `<PubmedArticle>`s. The `<!DOCTYPE>` names NLM's online DTD; saxes reports
 * it as text and never resolves it, so reading needs no network.
 */
export const pubmedXml: PaperFormat = {
  name: 'PubMed XML',
  extensions: ['.xml'],
  // The root (or its DOCTYPE) must follow the XML declaration and comments, so an HTML page that merely mentions it is not taken.
  looksLike: (head) => /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<(!DOCTYPE\s+)?PubmedArticleSet[\s>]/.test(head),
  read: readPubmedXml,
};

/** The fields of one article as PubMed gives them; `pubmedRecord` turns them into a paper (the MEDLINE reader too). */
export interface PubmedFields {
  pmid?: string;
  title: string;
  abstract: string;
  authors: string[];
  venue?: string;
  date?: { year: number; date: string };
  mesh: string[];
  keywords: string[];
  doi?: string;
  pmc?: string;
}

/** Streams PubMed XML an article at a time: memory holds one article and one read chunk, whatever the file's size. */
export async function* readPubmedXml(file: string): AsyncGenerator<ReadResult> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const reader = new ArticleReader(file);
  try {
    for await (const chunk of input) {
      reader.write(chunk as string);
      yield* reader.drain();
      if (reader.stopped) return;
    }
    reader.end();
    yield* reader.drain();
  } finally {
    // Reached on early exit by the consumer too: release the file handle.
    input.destroy();
  }
}

/** What an element's text becomes, by the element's name and its parent's (and grandparent's) name. */
type Capture =
  | 'pmid'
  | 'title'
  | 'vernacularTitle'
  | 'abstract'
  | 'venue'
  | 'eLocationDoi'
  | 'articleId'
  | 'mesh'
  | 'keyword'
  | 'authorPart'
  | 'datePart';

/** Which element's text is captured, by element name: under which parent (and grandparent, where it matters). */
const CAPTURES: Record<string, { capture: Capture; parents: readonly string[]; grandparent?: string }> = {
  PMID: { capture: 'pmid', parents: ['MedlineCitation'] },
  ArticleTitle: { capture: 'title', parents: ['Article'] },
  VernacularTitle: { capture: 'vernacularTitle', parents: ['Article'] },
  AbstractText: { capture: 'abstract', parents: ['Abstract'], grandparent: 'Article' },
  Title: { capture: 'venue', parents: ['Journal'] },
  ELocationID: { capture: 'eLocationDoi', parents: ['Article'] },
  // Reference lists have ArticleIdLists too; only the article's own (under PubmedData) count.
  ArticleId: { capture: 'articleId', parents: ['ArticleIdList'], grandparent: 'PubmedData' },
  DescriptorName: { capture: 'mesh', parents: ['MeshHeading'] },
  Keyword: { capture: 'keyword', parents: ['KeywordList'] },
  ...Object.fromEntries(
    ['LastName', 'ForeName', 'Initials', 'Suffix', 'CollectiveName'].map((name) => [
      name,
      { capture: 'authorPart', parents: ['Author'], grandparent: 'AuthorList' },
    ]),
  ),
  ...Object.fromEntries(
    ['Year', 'Month', 'Day', 'MedlineDate'].map((name) => [name, { capture: 'datePart', parents: ['PubDate', 'ArticleDate'] }]),
  ),
};

function captureFor(name: string, parent: string | undefined, grandparent: string | undefined): Capture | undefined {
  const rule = Object.hasOwn(CAPTURES, name) ? CAPTURES[name] : undefined;
  if (!rule || parent === undefined || !rule.parents.includes(parent)) return undefined;
  return rule.grandparent === undefined || rule.grandparent === grandparent ? rule.capture : undefined;
}

/**
 * Inline markup is flattened to its text, except super- and subscripts, which PubMed's own text
 * formats write in brackets ("Ca<sup>2+</sup>" → "Ca(2+)"): the XML and MEDLINE exports of an
 * article then give the same title and abstract.
 */
const SCRIPTS = new Set(['sup', 'sub']);

interface ArticleDraft {
  line: number;
  fields: PubmedFields;
  vernacularTitle?: string;
  eLocationDoi?: string;
  pubDate: Record<string, string>;
  articleDate: Record<string, string>;
  author?: { valid: boolean; parts: Record<string, string> };
}

/** Feeds saxes and collects finished articles; the first XML error stops the reading (what follows it is not XML). */
class ArticleReader {
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private readonly results: ReadResult[] = [];
  private readonly path: string[] = [];
  private draft: ArticleDraft | undefined;
  private capture: { kind: Capture; depth: number; text: string; attributes: Record<string, string> } | undefined;
  private closing = false;
  stopped = false;

  constructor(private readonly source: string) {
    this.parser.on('opentag', (tag) => this.openTag(tag));
    this.parser.on('closetag', (tag) => this.closeTag(tag));
    this.parser.on('text', (text) => this.text(text));
    this.parser.on('cdata', (text) => this.text(text));
    this.parser.on('error', (error) => this.fail(error));
  }

  write(chunk: string): void {
    if (!this.stopped) this.parser.write(chunk);
  }

  end(): void {
    this.closing = true;
    if (!this.stopped) this.parser.close();
  }

  *drain(): Generator<ReadResult> {
    while (this.results.length > 0) yield this.results.shift()!;
  }

  private openTag(tag: SaxesTagPlain): void {
    if (this.stopped) return;
    this.path.push(tag.name);
    if (tag.name === 'PubmedArticle') {
      this.draft = {
        line: this.parser.line,
        fields: { title: '', abstract: '', authors: [], mesh: [], keywords: [] },
        pubDate: {},
        articleDate: {},
      };
      return;
    }
    if (tag.name === 'PubmedBookArticle')
      this.skip(this.parser.line, 'PubmedBookArticle (a book chapter) is not read; only journal articles are');
    if (this.capture && SCRIPTS.has(tag.name)) this.capture.text += '(';
    if (!this.draft || this.capture) return;
    const depth = this.path.length;
    const parent = this.path[depth - 2];
    if (tag.name === 'Author' && parent === 'AuthorList' && this.path[depth - 3] === 'Article') {
      this.draft.author = { valid: tag.attributes.ValidYN !== 'N', parts: {} };
      return;
    }
    const kind = captureFor(tag.name, parent, this.path[depth - 3]);
    if (kind) this.capture = { kind, depth, text: '', attributes: tag.attributes };
  }

  private text(text: string): void {
    if (this.capture && !this.stopped) this.capture.text += text;
  }

  private closeTag(tag: SaxesTagPlain): void {
    if (this.stopped) return;
    const depth = this.path.length;
    this.path.pop();
    const draft = this.draft;
    if (!draft) return;
    if (this.capture?.depth === depth) {
      this.store(draft, tag.name, this.path.at(-1), this.capture);
      this.capture = undefined;
    } else if (this.capture && SCRIPTS.has(tag.name)) {
      this.capture.text += ')';
    } else if (tag.name === 'Author' && draft.author) {
      const name = authorName(draft.author.parts);
      if (draft.author.valid && name) draft.fields.authors.push(name);
      draft.author = undefined;
    } else if (tag.name === 'PubmedArticle') {
      this.results.push(this.finish(draft));
      this.draft = undefined;
    }
  }

  private store(draft: ArticleDraft, name: string, parent: string | undefined, capture: NonNullable<ArticleReader['capture']>): void {
    const text = normaliseWhitespace(capture.text);
    const fields = draft.fields;
    switch (capture.kind) {
      case 'pmid':
        fields.pmid ??= text;
        break;
      case 'title':
        fields.title = text;
        break;
      case 'vernacularTitle':
        draft.vernacularTitle = text;
        break;
      // Structured abstracts: one AbstractText per section, labelled "BACKGROUND", "METHODS", ...
      case 'abstract':
        if (text)
          fields.abstract = [fields.abstract, capture.attributes.Label ? `${capture.attributes.Label}: ${text}` : text]
            .filter(Boolean)
            .join(' ');
        break;
      case 'venue':
        fields.venue = text || undefined;
        break;
      case 'eLocationDoi':
        if (capture.attributes.EIdType === 'doi') draft.eLocationDoi = text;
        break;
      case 'articleId':
        if (capture.attributes.IdType === 'doi') fields.doi ??= normaliseDoi(text);
        if (capture.attributes.IdType === 'pmc') fields.pmc ??= text;
        break;
      case 'mesh':
        if (text) fields.mesh.push(text);
        break;
      case 'keyword':
        if (text) fields.keywords.push(text);
        break;
      case 'authorPart':
        if (draft.author) draft.author.parts[name] = text;
        break;
      case 'datePart':
        (parent === 'PubDate' ? draft.pubDate : draft.articleDate)[name] = text;
        break;
    }
  }

  private finish(draft: ArticleDraft): ReadResult {
    const fields = draft.fields;
    // Articles not in English have an empty or bracketed ArticleTitle and the original in VernacularTitle.
    if (!fields.title && draft.vernacularTitle) fields.title = draft.vernacularTitle;
    fields.doi ??= normaliseDoi(draft.eLocationDoi);
    fields.date = partsDate(draft.pubDate) ?? partsDate(draft.articleDate);
    const result = pubmedRecord(fields);
    return 'reason' in result ? { skipped: { source: this.source, line: draft.line, reason: result.reason } } : { record: result };
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    // saxes prefixes line:column (given below in words) and ends some messages with a full stop.
    const message = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const where = `line ${this.parser.line}, column ${this.parser.column}`;
    if (this.closing && this.draft)
      this.skip(this.draft.line, `file ends in the middle of this PubmedArticle (${message}); it was cut short`);
    else if (this.closing) this.skip(this.parser.line, `file ends before the XML is complete (${message}); it may be cut short`);
    else this.skip(this.draft?.line ?? this.parser.line, `invalid XML at ${where}: ${message}; the rest of the file is not read`);
  }

  private skip(line: number, reason: string): void {
    const skipped: SkippedLine = { source: this.source, line, reason };
    this.results.push({ skipped });
  }
}

/** "Ada Lovelace", "Ada Lovelace Jr", "A Lovelace" (initials only), or the collective name. */
function authorName(parts: Record<string, string>): string {
  if (parts.CollectiveName) return parts.CollectiveName;
  if (!parts.LastName) return '';
  return [parts.ForeName || parts.Initials, parts.LastName, parts.Suffix].filter(Boolean).join(' ');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function partsDate(parts: Record<string, string>): { year: number; date: string } | undefined {
  if (parts.MedlineDate) return pubmedDate(parts.MedlineDate);
  return parts.Year ? pubmedDate([parts.Year, parts.Month, parts.Day].filter(Boolean).join(' ')) : undefined;
}

/**
 * PubMed's publication dates, as XML parts or MEDLINE `DP`: "2019 Nov 5", "2019 11 05", "2019 Nov-Dec"
 * (the first month), "1998 Dec-1999 Jan", "2000 Spring" (the year only).
 */
export function pubmedDate(text: string): { year: number; date: string } | undefined {
  const match = text.trim().match(/^(\d{4})(?:\s+([A-Za-z]{3})[a-z]*|\s+(\d{1,2}))?(?:\s+(\d{1,2}))?(?![\d])/);
  if (!match) return undefined;
  const [, year, monthName, monthNumber, day] = match;
  const month = monthName ? MONTHS.indexOf(monthName.toLowerCase()) + 1 : Number(monthNumber ?? 0);
  if (!(month >= 1 && month <= 12)) return { year: Number(year), date: year! };
  const yearMonth = `${year}-${String(month).padStart(2, '0')}`;
  return { year: Number(year), date: day ? `${yearMonth}-${day.padStart(2, '0')}` : yearMonth };
}

/** A PubMed article's fields as a paper; both PubMed readers use it, so the same article reads the same from either. */
export function pubmedRecord(fields: PubmedFields): PaperRecord | { reason: string } {
  if (!fields.pmid) return { reason: 'article has no PMID' };
  const title = normaliseWhitespace(fields.title);
  if (!title) return { reason: `article ${fields.pmid} has no title` };
  if (title.length > MAX_TITLE_CHARS) return { reason: `title is longer than ${MAX_TITLE_CHARS} characters` };
  // Letters, editorials and comments have no abstract; they are searched by title alone.
  const abstract = normaliseWhitespace(fields.abstract);
  if (abstract.length > MAX_ABSTRACT_CHARS) return { reason: `abstract is longer than ${MAX_ABSTRACT_CHARS} characters` };

  const record: PaperRecord = { title, abstract };
  if (fields.authors.length > 0) record.authors = fields.authors;
  if (fields.date) {
    record.year = fields.date.year;
    record.date = fields.date.date;
  }
  if (fields.venue) record.venue = fields.venue;
  // MeSH headings first, then the authors' keywords, whichever order the file has them in.
  const tags = [...new Set([...fields.mesh, ...fields.keywords])];
  if (tags.length > 0) record.tags = tags;
  if (fields.doi) record.doi = fields.doi;
  record.pmid = fields.pmid;
  record.url = `https://pubmed.ncbi.nlm.nih.gov/${fields.pmid}/`;
  if (fields.pmc) record.metadata = { pmc: fields.pmc };
  return record;
}
