import { paperId, titleKey } from './id.js';
import type { Paper, PaperRecord } from './types.js';

/**
 * Merges records of the same paper met in several files or formats. Two records are one paper when
 * they share an id (a JSON Lines id, or the same title where nothing better is known), a DOI, an
 * arXiv id, a PubMed id, or the same title with the same first author's family name and year. The
 * merged paper keeps the first record's id and, field by field, the richest value.
 */
export class PaperMerger {
  private readonly papers: Paper[] = [];
  private readonly byKey = new Map<string, number>();
  merged = 0;
  /** Papers whose id was already taken by a different paper, kept under a suffixed id (`<id>-2`). */
  idCollisions = 0;

  add(record: PaperRecord): void {
    let id = record.id ?? paperId(record.title, record);
    let existing = this.matchOf(record, id);
    if (existing !== undefined && !isSamePaper(this.papers[existing]!, record)) {
      // Same id, clearly another paper: keeping both beats silently losing one.
      this.idCollisions++;
      id = this.freeIdLike(id);
      existing = this.matchOf(record, id);
    }
    if (existing === undefined) {
      this.papers.push({ ...record, id });
      for (const key of identityKeys({ ...record, id })) this.byKey.set(key, this.papers.length - 1);
      return;
    }
    this.merged++;
    const paper = richer(this.papers[existing]!, record);
    this.papers[existing] = paper;
    for (const key of identityKeys(paper)) if (!this.byKey.has(key)) this.byKey.set(key, existing);
  }

  result(): Paper[] {
    return this.papers;
  }

  private matchOf(record: PaperRecord, id: string): number | undefined {
    return identityKeys({ ...record, id })
      .map((key) => this.byKey.get(key))
      .find((index) => index !== undefined);
  }

  private freeIdLike(id: string): string {
    for (let n = 2; ; n++) if (!this.byKey.has(`id:${id}-${n}`)) return `${id}-${n}`;
  }
}

/** One paper unless clearly not: different titles and no DOI, arXiv id or PubMed id in common. */
function isSamePaper(kept: Paper, record: PaperRecord): boolean {
  const shared = (field: 'doi' | 'arxiv' | 'pmid') => kept[field] !== undefined && kept[field] === record[field];
  return titleKey(kept.title) === titleKey(record.title) || shared('doi') || shared('arxiv') || shared('pmid');
}

function identityKeys(paper: PaperRecord & { id: string }): string[] {
  const keys = [`id:${paper.id}`];
  if (paper.doi) keys.push(`doi:${paper.doi}`);
  if (paper.arxiv) keys.push(`arxiv:${paper.arxiv}`);
  if (paper.pmid) keys.push(`pmid:${paper.pmid}`);
  const firstAuthor = paper.authors?.[0];
  if (firstAuthor && paper.year !== undefined) keys.push(`title:${titleKey(paper.title)}|${familyName(firstAuthor)}|${paper.year}`);
  return keys;
}

/** The family name as both "Ada Lovelace" and "Lovelace, Ada" give it, accents and case ignored. */
function familyName(name: string): string {
  const family = name.includes(',') ? name.split(',')[0]! : name.trim().split(/\s+/).at(-1)!;
  return family
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Field by field, the fuller of two records of one paper (the first one's id and title). */
function richer(kept: Paper, other: PaperRecord): Paper {
  const longer = (a: string | undefined, b: string | undefined) => ((b?.length ?? 0) > (a?.length ?? 0) ? b : a);
  const merged: Paper = { ...other, ...kept };
  merged.abstract = longer(kept.abstract, other.abstract) ?? '';
  const authors = (other.authors?.length ?? 0) > (kept.authors?.length ?? 0) ? other.authors : kept.authors;
  if (authors) merged.authors = authors;
  const date = longer(kept.date, other.date);
  if (date) merged.date = date;
  const venue = longer(kept.venue, other.venue);
  if (venue) merged.venue = venue;
  const tags = [...new Set([...(kept.tags ?? []), ...(other.tags ?? [])])];
  if (tags.length > 0) merged.tags = tags;
  if (kept.metadata || other.metadata) merged.metadata = { ...other.metadata, ...kept.metadata };
  return merged;
}
