module github.com/sockspec/socket

go 1.26
