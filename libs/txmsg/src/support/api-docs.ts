/** A decorator that fits a class or a method, as most of @nestjs/swagger's do. */
type AnyDecorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void;
/** The decorators of @nestjs/swagger the library uses. */
type SwaggerDecorator =
  'ApiExcludeController' | 'ApiBearerAuth' | 'ApiOkResponse' | 'ApiProduces' | 'ApiQuery' | 'ApiResponse' | 'ApiTags';
type Swagger = Partial<Record<SwaggerDecorator, (...args: unknown[]) => AnyDecorator>>;

/**
 * @nestjs/swagger when the host application has it — an optional peer dependency: the library's
 * routes then describe themselves in the host's OpenAPI document, and without it the decorators
 * below do nothing.
 */
const swagger: Swagger | undefined = (() => {
  try {
    // A plain require: an import would make the package a hard dependency.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as Swagger;
  } catch (error) {
    // Only its absence is expected; a broken install must show.
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
})();

/** `@nestjs/swagger`'s decorator `name` applied with `args`, or nothing without the package. */
export function apiDoc(name: SwaggerDecorator, ...args: unknown[]): ClassDecorator & MethodDecorator {
  const decorator: AnyDecorator = (target, key, descriptor) => swagger?.[name]?.(...args)(target, key, descriptor);
  return decorator as ClassDecorator & MethodDecorator;
}
