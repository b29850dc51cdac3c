module github.com/ganada/ganada

go 1.23.0

require (
	github.com/stretchr/testify v1.12.1
	golang.org/x/sys v0.35.0
	golang.org/x/text v0.28.0
)
