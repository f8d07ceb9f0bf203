import { All, Controller, Get, Post, Version } from '@nestjs/common';
import { ControllerCopy } from './controller-copy';
import { declaredRoutes, routeClashes, routeClashMessage } from './route-clashes';

@Controller()
class LibraryMetrics {
  @Get()
  scrape() {}
}

@Controller('metrics')
class HostMetrics {
  @Get()
  index() {}
}

@Controller('txmsg')
class HostTxmsg {
  @Post('parked/:anything/requeue')
  requeue() {}
  @Get('parked')
  @Version('2')
  versioned() {}
}

@Controller('TXMSG')
class HostCatchAll {
  @All('parked')
  any() {}
}

@Controller()
class LibraryAdmin {
  @Get('parked')
  listParked() {}
  @Post('parked/:id/requeue')
  requeueOne() {}
}

describe(routeClashes.name, () => {
  const mounted = (type: new () => object, path: string) => {
    const copy = new ControllerCopy(type);
    copy.mountAt(path);
    return declaredRoutes(copy.type);
  };

  it('reports a host route on the method and path of a library route, whatever its parameter names', () => {
    const clashes = routeClashes(
      [
        { feature: 'metrics', routes: mounted(LibraryMetrics, 'metrics') },
        { feature: 'admin', routes: mounted(LibraryAdmin, 'txmsg') },
      ],
      [HostMetrics, HostTxmsg].flatMap((type) => declaredRoutes(type)),
    );
    expect(clashes.map((c) => `${c.feature} ${c.host.handler}`)).toEqual([
      'metrics HostMetrics.index',
      'admin HostTxmsg.requeue',
    ]);
    const message = routeClashMessage(clashes);
    expect(message).toContain('GET /metrics');
    expect(message).toContain("metrics: { path: 'txmsg/metrics' }");
    expect(message).toContain("admin: { token, path: 'ops/txmsg' }");
  });

  it('takes @All as every method, and the path regardless of case', () => {
    const clashes = routeClashes(
      [{ feature: 'admin', routes: mounted(LibraryAdmin, 'txmsg') }],
      declaredRoutes(HostCatchAll),
    );
    expect(clashes).toHaveLength(1);
  });

  it('finds none once the library route is moved or taken away', () => {
    const host = declaredRoutes(HostMetrics);
    expect(routeClashes([{ feature: 'metrics', routes: mounted(LibraryMetrics, 'ops/metrics') }], host)).toEqual([]);
    const off = new ControllerCopy(LibraryMetrics);
    off.unmount();
    expect(declaredRoutes(off.type)).toEqual([]);
    expect(declaredRoutes(LibraryMetrics)).toHaveLength(1);
  });
});
