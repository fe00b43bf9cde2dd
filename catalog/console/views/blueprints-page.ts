import type { Blueprint } from '../../model.ts';
import { consolePaths } from '../paths.ts';
import { blueprintDiagram } from './blueprint-diagram.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';

export interface BlueprintSummary {
  blueprint: Blueprint;
  entities: number;
}

/** Every blueprint: a table to open its entities, the diagram of their relations, and the relations as text. */
export function blueprintsPage(summaries: readonly BlueprintSummary[], csrfToken: string): SafeHtml {
  const blueprints = summaries.map((summary) => summary.blueprint);
  const body =
    summaries.length === 0
      ? markup`<p>The catalog has no blueprint yet. Create one with <code>POST /v1/blueprints</code>.</p>`
      : markup`<section aria-labelledby="list-heading">
            <h2 id="list-heading">All blueprints</h2>
            <div class="table-scroll" role="region" aria-labelledby="list-heading" tabindex="0">
              <table id="blueprints">
                <thead>
                  <tr>
                    <th scope="col">Title</th>
                    <th scope="col">Identifier</th>
                    <th scope="col">Entities</th>
                    <th scope="col">Properties</th>
                    <th scope="col">Relations</th>
                  </tr>
                </thead>
                <tbody>
                  ${summaries.map(
                    ({ blueprint, entities }) =>
                      markup`<tr>
                        <th scope="row">
                          <a href="${consolePaths.entities(blueprint.identifier)}">${blueprint.title}</a>
                        </th>
                        <td><code>${blueprint.identifier}</code></td>
                        <td>${entities}</td>
                        <td>${Object.keys(blueprint.schema.properties).length}</td>
                        <td>${Object.keys(blueprint.relations).length}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </section>
          <section aria-labelledby="diagram-heading">
            <h2 id="diagram-heading">Diagram</h2>
            <figure class="diagram">${blueprintDiagram(blueprints)}</figure>
          </section>
          <section aria-labelledby="relations-heading">
            <h2 id="relations-heading">Relations</h2>
            ${relationList(blueprints)}
          </section>`;
  return page({ title: 'Blueprints', csrfToken, body });
}

/** The diagram's text alternative: one line per relation, source → target, with its flags. */
function relationList(blueprints: readonly Blueprint[]): SafeHtml {
  const titles = new Map(blueprints.map((blueprint) => [blueprint.identifier, blueprint.title]));
  const items = blueprints.flatMap((blueprint) =>
    Object.entries(blueprint.relations).map(([id, relation]) => {
      const flags = [relation.required ? 'required' : 'optional', relation.many ? 'many' : 'one'].join(', ');
      return markup`<li>
        <a href="${consolePaths.entities(blueprint.identifier)}">${blueprint.title}</a> →
        <span class="relation">${relation.title ?? id}</span> (<code>${id}</code>, ${flags}) →
        <a href="${consolePaths.entities(relation.target)}">${titles.get(relation.target) ?? relation.target}</a>
      </li>`;
    }),
  );
  return items.length === 0
    ? markup`<p>No blueprint relates to another.</p>`
    : markup`<ul id="relations">
        ${items}
      </ul>`;
}
