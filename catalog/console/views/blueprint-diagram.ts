import dagre, { type Edge, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { Blueprint } from '../../model.ts';
import { markup, type SafeHtml } from './markup.ts';

/** Text in the diagram is cut to this many characters; the list below the diagram has every name whole. */
const MAX_LABEL_CHARS = 32;
const NODE_HEIGHT = 52;
const NODE_PADDING = 16;
/** Rough widths of a character at the diagram's font sizes: dagre needs sizes before any text is measured. */
const TITLE_CHAR_WIDTH = 8.5;
const LABEL_CHAR_WIDTH = 7;
const LABEL_HEIGHT = 16;

interface Point {
  x: number;
  y: number;
}

const cut = (text: string): string => (text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text);
const round = (value: number): string => String(Math.round(value * 10) / 10);
const relationName = (id: string, title: string | undefined): string => cut(title ?? id);

/**
 * The blueprints as boxes and their relations as labelled arrows (source → target), laid out by dagre left to
 * right and drawn as SVG on the server. The SVG is an image with a title and a description; the relations are also
 * listed as text beside it, for readers that cannot see the picture.
 */
export function blueprintDiagram(blueprints: readonly Blueprint[]): SafeHtml {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 32, ranksep: 96, edgesep: 16, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set(blueprints.map((blueprint) => blueprint.identifier));
  for (const blueprint of blueprints) {
    const longest = Math.max(cut(blueprint.title).length * TITLE_CHAR_WIDTH, cut(blueprint.identifier).length * 7);
    graph.setNode(blueprint.identifier, { width: longest + 2 * NODE_PADDING, height: NODE_HEIGHT });
  }
  let relations = 0;
  for (const blueprint of blueprints) {
    for (const [id, relation] of Object.entries(blueprint.relations)) {
      if (!known.has(relation.target)) continue;
      relations += 1;
      const label = relationName(id, relation.title);
      graph.setEdge(
        blueprint.identifier,
        relation.target,
        { width: label.length * LABEL_CHAR_WIDTH, height: LABEL_HEIGHT, labelpos: 'c' },
        id,
      );
    }
  }
  dagre.layout(graph);
  const size = graph.graph();
  const width = Math.max(size.width ?? 0, 1);
  const height = Math.max(size.height ?? 0, 1);

  const nodes = blueprints.map((blueprint) => {
    const node = graph.node(blueprint.identifier);
    const left = node.x! - node.width / 2;
    const top = node.y! - node.height / 2;
    return markup`<g class="node"><rect x="${round(left)}" y="${round(top)}" width="${round(node.width)}" height="${round(node.height)}" rx="6"></rect>
<text x="${round(node.x!)}" y="${round(top + 21)}" text-anchor="middle">${cut(blueprint.title)}</text>
<text class="identifier" x="${round(node.x!)}" y="${round(top + 40)}" text-anchor="middle">${cut(blueprint.identifier)}</text></g>`;
  });
  const edges = graph.edges().map((edge: Edge) => {
    const layout = graph.edge(edge);
    const path =
      edge.v === edge.w
        ? selfLoop(graph.node(edge.v), layout)
        : ((layout.points ?? []) as Point[])
            .map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)},${round(point.y)}`)
            .join(' ');
    const relation = blueprints.find((blueprint) => blueprint.identifier === edge.v)?.relations[edge.name ?? ''];
    return markup`<g class="edge"><path d="${path}" marker-end="url(#arrow)"></path>
<text x="${round(layout.x ?? 0)}" y="${round((layout.y ?? 0) + 4)}" text-anchor="middle">${relationName(edge.name ?? '', relation?.title)}</text></g>`;
  });
  const description =
    `${blueprints.length} blueprint${blueprints.length === 1 ? '' : 's'} and ${relations} relation` +
    `${relations === 1 ? '' : 's'}, drawn as arrows from a blueprint to the blueprint it relates to; ` +
    'the list of relations below says the same in text.';
  return markup`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="diagram-title diagram-desc" viewBox="0 0 ${round(width)} ${round(height)}" width="${round(width)}" height="${round(height)}">
<title id="diagram-title">Blueprints and their relations</title>
<desc id="diagram-desc">${description}</desc>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"></path></marker></defs>
${edges}
${nodes}
</svg>`;
}

/**
 * A relation of a blueprint to itself, as a loop under its box down to its label. dagre's own points for a loop
 * are wrong when it lays out left to right (a line beside the box, touching nothing), but the label's place it
 * gives is right: below the box, with room kept for it.
 */
function selfLoop(node: NodeLabel, label: EdgeLabel): string {
  const bottom = node.y! + node.height / 2;
  const depth = Math.max((label.y ?? bottom + 24) - 12 - bottom, 12);
  const x = node.x!;
  return `M${round(x - 16)},${round(bottom)} C${round(x - 40)},${round(bottom + depth)} ${round(x + 40)},${round(bottom + depth)} ${round(x + 16)},${round(bottom)}`;
}
