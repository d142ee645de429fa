import { beforeAll, describe, expect, it } from 'vitest';
import { MODES } from '../../src/contract/values.js';
import { DEFAULT_SEARCH, type SearchEngine } from '../../src/search/index.js';
import { distinctiveTermsQuery } from '../../src/search/similar/query.js';
import { hasPhrase } from '../../src/search/lookup.js';
import { analyze } from '../../src/text/index.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';

/** Lookups that broke before (issue 17), on the real seed index with the real model. */
let engine: SearchEngine;

beforeAll(async () => {
  engine = await seedEngine();
});

const titles = async (query: string, mode: (typeof MODES)[number] = 'hybrid', k = 5) =>
  (await engine.search(query, { k, mode })).hits.map((hit) => hit.paper.title);

const MIMICGEN = 'MimicGen: A Data Generation System for Scalable Robot Learning using Human Demonstrations';
const OPENVLA = 'OpenVLA: An Open-Source Vision-Language-Action Model';
const GAIL = 'Generative Adversarial Imitation Learning';
const DRAIL = 'Diffusion-Reward Adversarial Imitation Learning';

describe('names split in two find the paper named as one word', () => {
  for (const mode of MODES) {
    it(`"Mimic Gen" and "open vla" (${mode})`, async () => {
      expect((await titles('Mimic Gen', mode))[0]).toBe(MIMICGEN);
      expect((await titles('open vla', mode))[0]).toBe(OPENVLA);
    });
  }

  it('and the explanation marks the name as written', async () => {
    const [top] = (await engine.search('Mimic Gen', { k: 1 })).hits;
    const span = top!.explanation.title[0]!;
    expect(top!.paper.title.slice(span.start, span.end)).toBe('MimicGen');
  });
});

describe('an acronym a paper of the library spells out', () => {
  it('"GAIL" finds the paper that introduced it, whose abstract never says GAIL, beside the one that defines it', async () => {
    const top = await titles('GAIL', 'hybrid', 2);
    expect(top.sort()).toEqual([DRAIL, GAIL].sort());
    expect((await titles('GAIL', 'lexical', 2)).sort()).toEqual([DRAIL, GAIL].sort());
  });

  it('typed in lower case too, as the word is rare in the library', async () => {
    expect((await titles('gail', 'hybrid', 2)).sort()).toEqual([DRAIL, GAIL].sort());
  });
});

describe('a two-word lookup prefers papers that use the words together', () => {
  it('"world model": the papers saying "world model(s)" rank above those that only say "real-world" and "models"', async () => {
    const found = (await engine.search('world model', { k: 5 })).hits;
    const phrase = analyze('world model');
    const together = found.map((hit) => hasPhrase(hit.paper.title, phrase) || hasPhrase(hit.paper.abstract, phrase));
    expect(together.slice(0, 3)).toEqual([true, true, true]);
    const realWorldOnly = found.findIndex((hit, i) => !together[i] && /real-world/i.test(`${hit.paper.title} ${hit.paper.abstract}`));
    expect(realWorldOnly === -1 || realWorldOnly >= 3, 'a "real-world" paper is not in the top 3').toBe(true);
  });
});

describe('a pasted abstract', () => {
  it("is matched by BM25 on its 50 most distinctive terms: the lexical answer is that query's, and generic words drop out", async () => {
    const index = seedIndex();
    const abstract = index.paper(index.liveOrdinals()[17]!).abstract;
    const distinct = new Set(analyze(abstract));
    expect(distinct.size).toBeGreaterThan(DEFAULT_SEARCH.lexical.queryTerms);
    const reduced = distinctiveTermsQuery(abstract, (term) => index.lexical.idf(term), DEFAULT_SEARCH.lexical.queryTerms);
    expect(new Set(analyze(reduced)).size).toBe(DEFAULT_SEARCH.lexical.queryTerms);
    const expected = index.lexical.query(reduced, 10, DEFAULT_SEARCH.lexical.titleBoost).map((hit) => index.paper(hit.ordinal).title);
    expect(await titles(abstract, 'lexical', 10)).toEqual(expected);
    // The whole text would rank otherwise: the cut is what the answer follows.
    const whole = index.lexical.query(abstract, 10, DEFAULT_SEARCH.lexical.titleBoost).map((hit) => index.paper(hit.ordinal).title);
    expect(whole).not.toEqual(expected);
  });
});
