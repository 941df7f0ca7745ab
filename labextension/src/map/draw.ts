/** Drawing a box on the map with the mouse (click two corners, or shift-drag). */
import type OLMap from 'ol/Map';
import Draw, { createBox } from 'ol/interaction/Draw';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';

/**
 * Let the user draw boxes on `map`; `onBox` gets each box's extent (map x/y). Escape drops a box
 * whose first corner is placed (drawing goes on: the next click starts a new box). Returns the
 * function that stops drawing.
 */
export function drawBoxes(map: OLMap, onBox: (extent: number[]) => void): () => void {
  const source = new VectorSource();
  const layer = new VectorLayer({ source, className: 'jp-polartep-map-draw' });
  const draw = new Draw({ source, type: 'Circle', geometryFunction: createBox() });
  let sketching = false;
  draw.on('drawstart', () => {
    sketching = true;
  });
  draw.on('drawabort', () => {
    sketching = false;
  });
  draw.on('drawend', event => {
    sketching = false;
    onBox(event.feature.getGeometry()!.getExtent());
  });
  // the map's element takes no focus: listen on its document (only while a box is started)
  const doc = map.getTargetElement()?.ownerDocument ?? document;
  const onKey = (event: KeyboardEvent): void => {
    if (sketching && event.key === 'Escape') {
      sketching = false;
      draw.abortDrawing();
    }
  };
  doc.addEventListener('keydown', onKey);
  map.addLayer(layer);
  map.addInteraction(draw);
  return () => {
    doc.removeEventListener('keydown', onKey);
    map.removeInteraction(draw);
    map.removeLayer(layer);
  };
}
