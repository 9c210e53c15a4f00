// replaced by the layer sources
