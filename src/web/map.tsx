/**
 * The Map view's part of the page shell: the "List | Map" toggle and the map's section, filled and
 * driven by src/web/client/map-view.ts from GET /api/map. Hidden unless the URL says `view=map`.
 */

/** "List | Map": how a search's answer is shown. The script keeps both links' addresses in step with the query. */
export function MapToggle({ map }: { map: boolean }) {
  return (
    <nav id="display" class="display" aria-label="Show results as">
      <a id="display-list" href="/" aria-current={map ? undefined : 'page'}>
        List
      </a>
      <a id="display-map" href="/?view=map" aria-current={map ? 'page' : undefined}>
        Map
      </a>
    </nav>
  );
}

export function MapSection({ map, papers }: { map: boolean; papers: number }) {
  return (
    <section id="map-view" class="map-view" aria-labelledby="map-title" hidden={!map}>
      <h2 id="map-title" class="visually-hidden">
        Map of the library
      </h2>
      <div class="map-main">
        <div class="map-toolbar">
          <fieldset class="map-zoom">
            <legend class="visually-hidden">Zoom</legend>
            <button id="map-zoom-in" type="button" aria-label="Zoom in" title="Zoom in (+)">
              +
            </button>
            <button id="map-zoom-out" type="button" aria-label="Zoom out" title="Zoom out (−)">
              −
            </button>
            <button id="map-reset" type="button" title="Show the whole map (0)">
              Whole map
            </button>
          </fieldset>
          <fieldset id="map-tools" class="map-tools">
            <legend class="visually-hidden">Dragging on the map</legend>
            <label>
              <input type="radio" name="map-tool" value="pan" checked /> Pan
            </label>
            <label>
              <input type="radio" name="map-tool" value="box" /> Box
            </label>
            <label>
              <input type="radio" name="map-tool" value="lasso" /> Lasso
            </label>
          </fieldset>
        </div>
        <div class="map-stage">
          <canvas
            id="map-canvas"
            class="map-canvas"
            tabindex={0}
            role="img"
            aria-label={`Map of the library's ${papers} papers, coloured by cluster`}
            aria-describedby="map-help"
            data-points="0"
            data-drawn="0"
          ></canvas>
          <div id="map-tooltip" class="map-tooltip" role="tooltip" hidden></div>
        </div>
        <p id="map-help" class="hint">
          Drag to pan, scroll or pinch to zoom; <kbd>Shift</kbd>+drag draws a box and <kbd>Alt</kbd>+drag a lasso to list the papers inside.
          With the map focused: arrow keys pan, <kbd>+</kbd> and <kbd>−</kbd> zoom, <kbd>0</kbd> shows the whole map, <kbd>Esc</kbd> clears.
        </p>
        <p id="map-legend" class="map-legend hint">
          <span class="key result"></span> search result <span class="key query"></span> your query <span class="key liked"></span> liked
          paper
        </p>
        <p id="map-status" class="status" role="status" aria-live="polite"></p>
      </div>
      <div class="map-side">
        {/* The search's results as a list, the keyboard's way to step through their points. */}
        <ol id="map-results" class="map-results" aria-label="Results on the map" hidden></ol>
        <section id="map-selection" class="map-selection" aria-labelledby="map-selection-title" hidden>
          <h3 id="map-selection-title">Papers in the selection</h3>
          <ul id="map-selection-list" class="map-list"></ul>
          <button id="map-selection-clear" type="button" class="link">
            Clear the selection
          </button>
        </section>
        <section id="map-paper" class="map-paper" aria-label="The paper picked on the map" hidden></section>
        {/* The text alternative to the picture: each cluster with its size and terms, a button showing it on the map. */}
        <details id="map-clusters" class="map-clusters">
          <summary>
            Clusters (<span id="map-cluster-count">0</span>)
          </summary>
          <ol id="map-cluster-list" class="map-list"></ol>
        </details>
      </div>
    </section>
  );
}
