"""
Render one layer of a GeoPackage with QGIS, headless, in the style QGIS finds in the file.

Run with the Python that has QGIS's bindings (Debian's python3-qgis), not the project's:

    python3 tests/qgis_render.py FILE.gpkg TABLE OUT.png WIDTH HEIGHT XMIN YMIN XMAX YMAX

Prints a JSON line: the renderer QGIS loaded (type, attribute, categories with their
values and RGBA colours, or ranges), whether labels are on and the first feature's label,
and the layer's CRS.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    """Render as the module docstring says (QGIS's bindings are imported here, not at import)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    path, table, out = sys.argv[1:4]
    width, height = int(sys.argv[4]), int(sys.argv[5])
    xmin, ymin, xmax, ymax = (float(v) for v in sys.argv[6:10])
    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert layer.isValid(), f"QGIS cannot open {path}|{table}"
    renderer = layer.renderer()
    info = {"type": renderer.type(), "crs": layer.crs().authid()}
    if renderer.type() == "categorizedSymbol":
        info["attr"] = renderer.classAttribute()
        info["categories"] = [
            [c.value(), c.label(), list(c.symbol().color().getRgb())] for c in renderer.categories()
        ]
    elif renderer.type() == "graduatedSymbol":
        info["attr"] = renderer.classAttribute()
        info["ranges"] = [
            [r.lowerValue(), r.upperValue(), list(r.symbol().color().getRgb())]
            for r in renderer.ranges()
        ]
    info["labels"] = bool(layer.labelsEnabled())
    if layer.labelsEnabled():  # the label text of the first feature, as QGIS makes it
        from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

        pal = layer.labeling().settings()
        feature = next(layer.getFeatures())
        if pal.isExpression:
            context = QgsExpressionContext()
            context.appendScope(QgsExpressionContextUtils.layerScope(layer))
            context.setFeature(feature)
            info["first_label"] = str(QgsExpression(pal.fieldName).evaluate(context))
        else:
            info["first_label"] = str(feature[pal.fieldName])
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(QgsRectangle(xmin, ymin, xmax, ymax))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(out, "PNG")
    info["extent"] = [
        settings.visibleExtent().xMinimum(),
        settings.visibleExtent().yMinimum(),
        settings.visibleExtent().xMaximum(),
        settings.visibleExtent().yMaximum(),
    ]
    print(json.dumps(info, ensure_ascii=False), flush=True)
    # QGIS 3.22 may crash while tearing down offscreen; the work is done and written
    os._exit(0)


if __name__ == "__main__":
    main()
