import { secureHeaders } from 'hono/secure-headers';

/**
 * Content Security Policy and the usual security headers, for the page, its assets and the API: only
 * this origin's scripts, styles, images and fetches; no inline script or style; never framed.
 */
export function securityHeaders() {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    // The server speaks plain HTTP on loopback (TLS, when wanted, is a proxy's); HSTS over HTTP is meaningless and misleading.
    strictTransportSecurity: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
}
