package tokens

import "testing"

func TestUSD(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "$0"}, {0.0000001, "<$0.000001"}, {0.000009, "$0.000009"}, {0.00375, "$0.00375"}, {0.125, "$0.125"}, {0.15, "$0.15"},
		{0.25, "$0.25"}, {1.025, "$1.025"}, {2.5, "$2.50"}, {15, "$15"}, {22.5, "$22.50"}, {123.456, "$123.46"}, {1234.5, "$1,234.50"}, {2e6, "$2,000,000"},
	} {
		if got := USD(tt.v); got != tt.want {
			t.Errorf("USD(%v) = %s; want %s", tt.v, got, tt.want)
		}
	}
}
