// The public surface of @shop/resilience. `@shop/resilience/core` is the same without Nest.
export * from './core';
export * from './nest';
