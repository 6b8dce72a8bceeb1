/*
 * Coordinates: WGS 84 to VN-2000 / TM-3 105°45' (for the cursor readout and the
 * measure tool), and Web Mercator world units (0..1, as Leaflet projects; big layers
 * hold their vertices in them once decoded).
 *
 * Uses: CRS, the Helmert, TM-3 and ellipsoid constants that zoneplan.crs holds, written
 * ahead of the modules when a map is built (zoneplan.render.assets.viewer_constants).
 * Provides: D2R, R2D, toVN2000, measurePlanar, mercX, mercY, unmercLon, unmercLat.
 */

var D2R = Math.PI / 180;
var R2D = 180 / Math.PI;

/* ------------------------------------------------------------------ */
/* VN-2000 / TM-3 105°45' from WGS 84                                  */
/* ------------------------------------------------------------------ */

// WGS 84 ellipsoid (VN-2000 uses the same ellipsoid, shifted and rotated).
var A = CRS.ellipsoid.a;
var F = CRS.ellipsoid.f;
var E2 = F * (2 - F);
var E = Math.sqrt(E2);
var SEC = D2R / 3600;
// EPSG:6960 "VN-2000 to WGS 84 (2)", coordinate frame rotation (Decision 05/2007/QĐ-BTNMT).
// Metres, arc-seconds (to radians here) and parts per million (to a ratio).
var HELMERT = {
  tx: CRS.helmert.x, ty: CRS.helmert.y, tz: CRS.helmert.z,
  rx: CRS.helmert.rx * SEC, ry: CRS.helmert.ry * SEC, rz: CRS.helmert.rz * SEC,
  s: CRS.helmert.s * 1e-6
};
// Transverse Mercator of VN-2000 / TM-3 105-45 (EPSG:9210): k0, lon0, fe, fn.
var TM = CRS.tm3;
// Krüger series to n^6 (Karney 2011, "Transverse Mercator with an accuracy of a few nanometers").
var N = F / (2 - F);
var N2 = N * N, N3 = N2 * N, N4 = N3 * N, N5 = N4 * N, N6 = N5 * N;
var A1 = A / (1 + N) * (1 + N2 / 4 + N4 / 64 + N6 / 256);
var ALPHA = [
  N / 2 - 2 / 3 * N2 + 5 / 16 * N3 + 41 / 180 * N4 - 127 / 288 * N5 + 7891 / 37800 * N6,
  13 / 48 * N2 - 3 / 5 * N3 + 557 / 1440 * N4 + 281 / 630 * N5 - 1983433 / 1935360 * N6,
  61 / 240 * N3 - 103 / 140 * N4 + 15061 / 26880 * N5 + 167603 / 181440 * N6,
  49561 / 161280 * N4 - 179 / 168 * N5 + 6601661 / 7257600 * N6,
  34729 / 80640 * N5 - 3418889 / 1995840 * N6,
  212378941 / 319334400 * N6
];

function geocentric(latDeg, lonDeg) {
  var lat = latDeg * D2R, lon = lonDeg * D2R;
  var sinLat = Math.sin(lat);
  var nu = A / Math.sqrt(1 - E2 * sinLat * sinLat);
  return [nu * Math.cos(lat) * Math.cos(lon), nu * Math.cos(lat) * Math.sin(lon),
    nu * (1 - E2) * sinLat];
}

function geodetic(x, y, z) {
  var p = Math.hypot(x, y);
  var lat = Math.atan2(z, p * (1 - E2));
  for (var i = 0; i < 6; i++) {
    var sinLat = Math.sin(lat);
    var nu = A / Math.sqrt(1 - E2 * sinLat * sinLat);
    lat = Math.atan2(z + E2 * nu * sinLat, p);
  }
  return [lat * R2D, Math.atan2(y, x) * R2D];
}

/** WGS 84 latitude/longitude to VN-2000 geographic, the inverse of EPSG:6960. */
function vn2000Geographic(lat, lon) {
  var h = HELMERT;
  var w = geocentric(lat, lon);
  var k = 1 + h.s;
  var dx = w[0] - h.tx, dy = w[1] - h.ty, dz = w[2] - h.tz;
  // X_wgs = T + (1 + s) R X_vn with the coordinate-frame matrix R; R is orthogonal
  // to first order, so its inverse is the transpose (as PROJ's helmert does).
  var x = (dx - h.rz * dy + h.ry * dz) / k;
  var y = (h.rz * dx + dy - h.rx * dz) / k;
  var z = (-h.ry * dx + h.rx * dy + dz) / k;
  return geodetic(x, y, z);
}

/** Transverse Mercator: geographic degrees to {x: northing, y: easting} in metres. */
function tm3(lat, lon) {
  var phi = lat * D2R, lam = (lon - TM.lon0) * D2R;
  var sinPhi = Math.sin(phi);
  var t = Math.sinh(Math.atanh(sinPhi) - E * Math.atanh(E * sinPhi));
  var xi1 = Math.atan2(t, Math.cos(lam));
  var eta1 = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
  var xi = xi1, eta = eta1;
  for (var j = 1; j <= 6; j++) {
    xi += ALPHA[j - 1] * Math.sin(2 * j * xi1) * Math.cosh(2 * j * eta1);
    eta += ALPHA[j - 1] * Math.cos(2 * j * xi1) * Math.sinh(2 * j * eta1);
  }
  return { x: TM.fn + TM.k0 * A1 * xi, y: TM.fe + TM.k0 * A1 * eta };
}

/** WGS 84 to VN-2000 / TM-3 105°45': {x: northing, y: easting}, as Vietnamese documents write. */
function toVN2000(lat, lon) {
  var g = vn2000Geographic(lat, lon);
  return tm3(g[0], g[1]);
}

/** Length (m) of a path and area (ha) of the ring it closes, in VN-2000 TM-3 metres. */
function measurePlanar(latlngs, closed) {
  var pts = latlngs.map(function (ll) { return toVN2000(ll.lat, ll.lng); });
  var length = 0, twiceArea = 0;
  for (var i = 1; i < pts.length; i++) {
    length += Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
  }
  if (closed && pts.length > 2) {
    var last = pts[pts.length - 1];
    length += Math.hypot(pts[0].x - last.x, pts[0].y - last.y);
    for (var k = 0; k < pts.length; k++) {
      var a = pts[k], b = pts[(k + 1) % pts.length];
      twiceArea += a.y * b.x - b.y * a.x;
    }
  }
  return { length_m: length, area_ha: Math.abs(twiceArea) / 2 / 10000 };
}

/* ------------------------------------------------------------------ */
/* Web Mercator world units                                            */
/* ------------------------------------------------------------------ */
var MAX_LAT = 85.0511287798;

function mercX(lon) { return lon / 360 + 0.5; }
function mercY(lat) {
  var s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * D2R);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}
function unmercLon(x) { return (x - 0.5) * 360; }
function unmercLat(y) { return (2 * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - Math.PI / 2) * R2D; }
