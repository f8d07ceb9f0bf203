describe('apiDoc', () => {
  afterEach(() => jest.resetModules());

  it("applies @nestjs/swagger's decorator when the host has the package", async () => {
    await jest.isolateModulesAsync(async () => {
      const { apiDoc } = await import('./api-docs');
      class Documented {}
      apiDoc('ApiTags', 'txmsg admin')(Documented);
      expect(Reflect.getMetadata('swagger/apiUseTags', Documented)).toEqual(['txmsg admin']);
    });
  });

  it('does nothing, and does not fail, without the package', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@nestjs/swagger', () => {
        throw Object.assign(new Error("Cannot find module '@nestjs/swagger'"), { code: 'MODULE_NOT_FOUND' });
      });
      const { apiDoc } = await import('./api-docs');
      class Plain {}
      expect(() => apiDoc('ApiTags', 'txmsg admin')(Plain)).not.toThrow();
      expect(Reflect.getMetadataKeys(Plain)).toEqual([]);
    });
  });

  it('lets any other failure to load the package show', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@nestjs/swagger', () => {
        throw new Error('broken install');
      });
      await expect(import('./api-docs')).rejects.toThrow('broken install');
    });
  });
});
