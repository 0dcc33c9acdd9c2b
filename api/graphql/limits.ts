import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationRule } from 'graphql';
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
};

function listEstimator(limits: Limits): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (field.args.some((arg) => arg.name === 'limit')) {
      const limit = typeof args.limit === 'number' && args.limit > 0 ? args.limit : limits.defaultPageSize;
      return 1 + Math.min(limit, limits.maxPageSize) * childComplexity;
    }
    const estimate = estimatedItems[`${type.name}.${field.name}`];
    return estimate ? 1 + estimate(args) * childComplexity : undefined;
  };
}

export function limitRules(limits: Limits, variables: Record<string, unknown> | undefined): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.graphqlMaxDepth, ignoreIntrospection: true, exposeLimits: true }),
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
