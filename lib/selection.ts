/**
 * What an operation selects below the field a resolver resolves, for resolvers
 * that read ahead: a connection that knows its nodes will want a nested list
 * can fetch both in one call to its system. Only the operation's text is read
 * (fields, inline fragments, named fragments, @skip and @include), never the
 * schema, so a check costs a walk of the few selections on the way.
 */
import { GraphQLIncludeDirective, GraphQLSkipDirective, getDirectiveValues, type GraphQLResolveInfo, type SelectionNode, type SelectionSetNode } from 'graphql';

/** True when the operation keeps this selection: no `@skip(if: true)`, no `@include(if: false)`. */
function kept(node: SelectionNode, variables: GraphQLResolveInfo['variableValues']): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/**
 * True when the operation selects `path` below the resolver's field, through
 * fragments of every kind: `selectsPath(info, ['nodes', 'lines'])` on `Customer.orders` asks
 * whether `orders { nodes { lines } }` is selected. Aliases do not matter.
 */
export function selectsPath(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>, path: readonly string[]): boolean {
  const visit = (set: SelectionSetNode | undefined, depth: number, seen: ReadonlySet<string>): boolean =>
    (set?.selections ?? []).some((s) => {
      if (!kept(s, info.variableValues)) return false;
      if (s.kind === 'InlineFragment') return visit(s.selectionSet, depth, seen);
      if (s.kind === 'FragmentSpread') {
        const name = s.name.value;
        const fragment = info.fragments[name];
        return !seen.has(name) && fragment !== undefined && visit(fragment.selectionSet, depth, new Set(seen).add(name));
      }
      if (s.name.value !== path[depth]) return false;
      return depth === path.length - 1 || visit(s.selectionSet, depth + 1, seen);
    });
  return path.length > 0 && info.fieldNodes.some((n) => kept(n, info.variableValues) && visit(n.selectionSet, 0, new Set()));
}
