import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type ComplexityEstimator, createComplexityRule, simpleEstimator } from 'graphql-query-complexity';
import type { ApiSettings } from '../config.ts';

/**
 * Depth and cost limits, checked before a query runs. Cost: every field 1, plus its children;
 * a list counts its children once per item it can hold: `limit` (capped as REST caps it) for
 * pages, an estimate for lists without a limit.
 */

type Limits = Pick<ApiSettings, 'graphqlMaxDepth' | 'graphqlMaxCost' | 'defaultPageSize' | 'maxPageSize'>;

const count = (value: unknown, otherwise: number) => (Array.isArray(value) ? value.length : otherwise);

/** Items a list without a `limit` argument is expected to hold. */
const estimatedItems: Record<string, (args: Record<string, unknown>) => number> = {
  'Query.aggregates': (args) => count(args.device, 1) * count(args.metric, 5),
  'Device.aggregates': (args) => count(args.metric, 5),
  'AggregateSeries.points': () => 100,
  'Device.latest': (args) => count(args.metric, 10),
  'Device.tags': () => 10,
  'Query.compare': (args) => count(args.provider, 2) * Math.min(Number(args.limit ?? 10), 1000),
  'Query.cheapest': (args) => Math.min(Number(args.limit ?? 10), 1000),
  'Query.priceHistory': () => 20,
  'Price.history': () => 20,
  'Query.regions': () => 60,
  'Query.categories': () => 13,
  'Query.providers': () => 2,
};

function listEstimator(limits: Limits): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const estimate = estimatedItems[`${type.name}.${field.name}`];
    if (estimate) return 1 + estimate(args) * childComplexity;
    if (field.args.some((arg) => arg.name === 'limit')) {
      const limit = typeof args.limit === 'number' && args.limit > 0 ? args.limit : limits.defaultPageSize;
      return 1 + Math.min(limit, limits.maxPageSize) * childComplexity;
    }
    return undefined;
  };
}

/** Depth of a selection (fields nested in fields), through fragments; introspection is not counted. */
function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      // a fragment spread inside itself is reported by graphql's own NoFragmentCycles rule
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

function maxDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      }
      const depth = depthOf(operation.selectionSet, fragments, new Set());
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(
            `the query is ${depth} levels deep, more than the ${maxDepth} allowed (API_GRAPHQL_MAX_DEPTH)`,
            { nodes: [operation], extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth } },
          ),
        );
      }
    },
  });
}

export function limitRules(limits: Limits, variables: Record<string, unknown> | undefined): ValidationRule[] {
  return [
    maxDepthRule(limits.graphqlMaxDepth),
    createComplexityRule({
      maximumComplexity: limits.graphqlMaxCost,
      variables,
      estimators: [listEstimator(limits), simpleEstimator({ defaultComplexity: 1 })],
      createError: (max, actual) =>
        new GraphQLError(
          `the query costs ${actual}, more than the ${max} allowed (API_GRAPHQL_MAX_COST): ask for fewer items or fields`,
          { extensions: { code: 'QUERY_TOO_COSTLY', cost: actual, maxCost: max } },
        ),
    }),
  ];
}
