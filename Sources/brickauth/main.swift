print("brickauth")
