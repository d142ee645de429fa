import { raw } from 'hono/html';
import { DEFAULT_MODE, MODE_HINTS, MODES } from '../contract/values.js';
import { FILTERS, filterFrom, type Filter } from './filters.js';
import { MapSection, MapToggle } from './map.js';

/** What the URL asks for; the script reads the same URL, this only pre-fills the controls. */
export interface PageState {
  view: 'search' | 'paste' | 'similar';
  /** `/?view=map`: the search's answer shown on the map of the library instead of as a list. */
  map: boolean;
  q: string;
  mode: string;
  filter: Filter;
}

export interface PageInfo {
  papers: number;
  model: string;
  queryChars: number;
  passageChars: number;
  /** Whether the index has watches, asked at each page load: only then does the script fetch "New for you". */
  watched?: () => boolean;
}

export function pageState(query: (name: string) => string | undefined): PageState {
  const view = query('similar') !== undefined ? 'similar' : query('view') === 'paste' ? 'paste' : 'search';
  return {
    view,
    map: view === 'search' && query('view') === 'map',
    q: query('q') ?? '',
    mode: query('mode') ?? DEFAULT_MODE,
    filter: filterFrom(query),
  };
}

/**
 * The page shell, server-rendered with hono/jsx. Every value from the URL lands in an attribute or text
 * node, which hono/jsx escapes. Results are rendered by /assets/app.js (src/web/client/) from the JSON API.
 */
export function Page({ state, info }: { state: PageState; info: PageInfo }) {
  const pasting = state.view === 'paste';
  const loading = (state.view === 'search' && state.q.trim() !== '') || state.view === 'similar';
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <title>paper-search</title>
          <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/style.css" />
          <script type="module" src="/assets/app.js"></script>
        </head>
        <body class={state.map ? 'showing-map' : undefined}>
          <header class="site">
            <h1>
              <a href="/">paper-search</a>
            </h1>
            <p class="about">
              Private search over {info.papers} papers, on this machine ({info.model}).
            </p>
          </header>
          <main>
            <nav class="views" aria-label="What to search with">
              <a id="view-search" href="/" aria-current={pasting ? undefined : 'page'}>
                Ask a question
              </a>
              <a id="view-paste" href="/?view=paste" aria-current={pasting ? 'page' : undefined}>
                Paste an abstract
              </a>
            </nav>

            {/* biome-ignore lint/a11y/useSemanticElements: a form that is the search landmark; <search> would need a wrapper for no gain */}
            <form id="search-form" class="query" action="/" method="get" role="search" hidden={pasting}>
              <label for="q">Question or keywords</label>
              <div class="row">
                <input
                  id="q"
                  name="q"
                  type="search"
                  value={state.view === 'search' ? state.q : ''}
                  maxlength={info.queryChars}
                  placeholder="e.g. sim-to-real transfer"
                  autocomplete="off"
                  spellcheck={false}
                  enterkeyhint="search"
                  aria-describedby="q-hint"
                />
                <button type="submit">Search</button>
              </div>
              <p id="q-hint" class="hint">
                Press <kbd>/</kbd> to jump here and <kbd>Enter</kbd> to search.
              </p>
            </form>

            <form id="paste-form" class="query" hidden={!pasting}>
              <label for="text">Abstract or passage</label>
              <textarea
                id="text"
                name="text"
                rows={7}
                maxlength={info.passageChars}
                aria-describedby="text-hint"
                placeholder="Paste an abstract (or any passage) to find papers about the same thing."
              ></textarea>
              <div class="row end">
                <p id="text-hint" class="hint">
                  Up to {info.passageChars.toLocaleString('en')} characters; <kbd>Ctrl</kbd>+<kbd>Enter</kbd> also searches.
                </p>
                <button type="submit">Find similar papers</button>
              </div>
            </form>

            <fieldset id="modes" class="modes">
              <legend>Mode</legend>
              {MODES.map((mode) => (
                <label class="mode" title={MODE_HINTS[mode].hint}>
                  <input type="radio" name="mode" value={mode} form="search-form" checked={state.mode === mode} />
                  <span>{MODE_HINTS[mode].label}</span>
                </label>
              ))}
              <span id="mode-note" class="hint"></span>
            </fieldset>

            {/* Collapsed behind the toggle on narrow screens; the note says what is in effect either way. */}
            <section id="filters" class="filters" aria-labelledby="filters-title">
              <button id="filters-toggle" class="filters-toggle" type="button" aria-expanded="false" aria-controls="filters-form">
                Filters<span id="filters-count" class="count"></span>
              </button>
              <form id="filters-form" class="filter-fields">
                <span id="filters-title" class="filters-title">
                  Filters
                </span>
                {FILTERS.map(({ field, label, placeholder, numeric }) => (
                  <div class={numeric ? 'field year' : 'field'}>
                    <label for={`filter-${field}`}>{label}</label>
                    <input
                      id={`filter-${field}`}
                      name={field}
                      type="text"
                      value={state.filter[field] ?? ''}
                      placeholder={placeholder}
                      inputmode={numeric ? 'numeric' : undefined}
                      autocomplete="off"
                      spellcheck={false}
                      maxlength={200}
                    />
                  </div>
                ))}
                <button type="submit" class="apply">
                  Apply
                </button>
              </form>
              <p id="filters-note" class="filters-note" hidden>
                <span id="filters-summary"></span>{' '}
                <button id="clear-filters" type="button" class="link">
                  Clear filters
                </button>
              </p>
            </section>

            {/* "New for you": filled by the script (client/digest.ts) when there are watches. */}
            <section
              id="digest"
              class="digest"
              aria-labelledby="digest-title"
              data-watched={String(info.watched?.() ?? false)}
              hidden
            ></section>

            <MapToggle map={state.map} />

            <section id="answer" class="answer" aria-label="Results" aria-busy={loading ? 'true' : 'false'}>
              <div id="context" class="context" hidden></div>
              <p id="status" class="status" role="status" aria-live="polite">
                {loading ? 'Loading…' : ''}
              </p>
              <div id="notice" class="notice" hidden></div>
              {/* Shown by the script when the API answers 401; method="post" so a token never lands in a URL. */}
              <form id="token-form" class="token" method="post" action="/" hidden>
                <label for="token">Access token</label>
                <p id="token-why" class="hint">
                  This server answers searches only with its access token. The page keeps it for this tab until the tab is closed and sends
                  it with every search.
                </p>
                <p id="token-error" class="token-error" role="alert" hidden></p>
                <div class="row">
                  <input id="token" name="token" type="password" autocomplete="off" spellcheck={false} aria-describedby="token-why" />
                  <button type="submit">Use token</button>
                </div>
              </form>
              <div id="intro" class="intro" hidden={loading || pasting}>
                <p>
                  Ask in your own words (<q>how do robots learn from a few demonstrations?</q>) or type a name or acronym; paste an abstract
                  to find related work; from any result, find papers similar to it.
                </p>
                <ul class="mode-hints">
                  {MODES.map((mode) => (
                    <li>
                      <b>{MODE_HINTS[mode].label}</b>: {MODE_HINTS[mode].hint}
                    </li>
                  ))}
                </ul>
                <p>
                  A result marked <i>low confidence</i> means the collection probably has nothing on the question.
                </p>
              </div>
              <ol id="results" class="results"></ol>
              <button id="more" class="more" type="button" hidden>
                Show more
              </button>
            </section>
            <MapSection map={state.map} papers={info.papers} />
            {/* Filled by src/web/client/recommendations.ts from the marks kept in this browser. */}
            <section id="recommendations" class="recommendations" aria-labelledby="recommendations-title" aria-busy="false">
              <h2 id="recommendations-title">Recommended for you</h2>
              <p id="recommendations-status" class="status" role="status" aria-live="polite"></p>
              <details id="marks" class="marks" hidden>
                <summary>
                  Your marks (<span id="marks-count">0</span>)
                </summary>
                <ul id="marks-list" class="marks-list"></ul>
              </details>
              <p class="marks-actions">
                <button id="export-marks" type="button" class="link">
                  Export marks
                </button>{' '}
                <label class="import-marks">
                  Import marks
                  <input id="import-marks" type="file" accept="application/json,.json" />
                </label>{' '}
                <button id="watch-likes" type="button" class="link" hidden>
                  Watch for new papers like these
                </button>
              </p>
              <ol id="recommended" class="results"></ol>
            </section>
            <noscript>
              <p class="notice error">
                This page needs JavaScript to show results. The JSON API works without it: <a href="/openapi.json">/openapi.json</a>.
              </p>
            </noscript>
          </main>
          {/* Where the clipboard is unavailable, "Cite" shows the entry here, selected, to copy by hand. */}
          <dialog id="cite-dialog" class="cite-dialog" aria-labelledby="cite-label">
            <label id="cite-label" for="cite-text">
              BibTeX
            </label>
            <p id="cite-hint" class="hint">
              This browser does not let the page copy it: the entry is selected, copy it with <kbd>Ctrl</kbd>+<kbd>C</kbd> (<kbd>⌘</kbd>+
              <kbd>C</kbd> on a Mac).
            </p>
            <textarea id="cite-text" rows={9} readonly spellcheck={false} aria-describedby="cite-hint"></textarea>
            <div class="row end">
              <button id="cite-close" type="button">
                Close
              </button>
            </div>
          </dialog>
          <footer class="site">
            <p>
              Nothing leaves this machine. API: <a href="/openapi.json">/openapi.json</a> · <a href="/health">/health</a>
            </p>
            <p id="token-note" hidden>
              This tab sends an access token with every search.{' '}
              <button id="forget-token" type="button" class="link">
                Forget the token
              </button>
            </p>
          </footer>
        </body>
      </html>
    </>
  );
}
