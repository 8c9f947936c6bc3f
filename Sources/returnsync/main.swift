print("returnsync")
