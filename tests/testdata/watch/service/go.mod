module example.com/watchsvc

go 1.21
