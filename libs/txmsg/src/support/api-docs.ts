/** A decorator that fits a class or a method, as most of @nestjs/swagger's do. */
type AnyDecorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void;
type Swagger = Record<string, ((...args: unknown[]) => AnyDecorator) | undefined>;

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
  } catch {
    return undefined;
  }
})();

/** `@nestjs/swagger`'s decorator `name` applied with `args`, or nothing without the package. */
export function apiDoc(name: string, ...args: unknown[]): ClassDecorator & MethodDecorator {
  const decorator: AnyDecorator = (target, key, descriptor) => swagger?.[name]?.(...args)(target, key, descriptor);
  return decorator as ClassDecorator & MethodDecorator;
}
