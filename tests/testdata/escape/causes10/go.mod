module example.com/causes10

go 1.21
