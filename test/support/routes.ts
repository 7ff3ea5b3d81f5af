import { INestApplication, RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_ROLES } from '../../apps/api/src/auth/auth.decorators';

export interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
  roles: string[] | null;
}

const join = (...parts: (string | undefined)[]) =>
  `/${parts
    .filter((part): part is string => !!part && part !== '/')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .join('/')}`;

/** Every HTTP route of the app with its access rule, read from the same metadata the guard reads. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const controllerPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const targets = [handler, wrapper.metatype];
      for (const controllerPath of controllerPaths) {
        for (const path of ([] as string[]).concat(methodPath)) {
          routes.push({
            method,
            path: join(controllerPath, path),
            isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
            roles: reflector.getAllAndOverride<string[]>(REQUIRED_ROLES, targets) ?? null,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
