describe('the core entry point', () => {
  it('loads without any Nest package, so it runs in plain Node code', () => {
    jest.isolateModules(() => {
      for (const nestPackage of ['@nestjs/common', '@nestjs/core', '@nestjs/microservices']) {
        jest.doMock(nestPackage, () => {
          throw new Error(`the core imported ${nestPackage}`);
        });
      }

      const core = jest.requireActual<typeof import('./index')>('./index');

      expect(typeof core.CircuitBreaker).toBe('function');
      expect(typeof core.SagaOrchestrator).toBe('function');
    });
  });
});
