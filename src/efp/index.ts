// Energy Flow Polynomials: graph catalogue, selections, measures, variable-elimination plans and executors.
export { EFP, EFPSet, type EFPColumn, type EFPOptions, type PrimeGraph } from './efpset.js';
export { type Catalog, type CatalogGraph, type Spec, SPEC_COLS, defaultCatalog, generateCatalog } from './catalog.js';
export { type Selection, parseSelection } from './select.js';
export { type Measure, type MeasureName, type MeasureOptions, MEASURES, measureJet, resolveMeasure } from './measure.js';
export { efpBruteForce } from './brute.js';
export { buildPlan, type Plan } from './plan.js';
export { canonical, graphFromEdges, type MultiGraph } from './graph.js';
