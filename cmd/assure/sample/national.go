package sample

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// NationalFile is the file name of the sample national table.
const NationalFile = "Illustrative sample - police recorded crime by force.csv"

// NationalMapping is the shipped mapping that reads the sample national
// table: the Home Office open data layout.
const NationalMapping = "home-office-prc"

// nationalForces are eight forces of the East and South East with an
// invented size each (offences of all three groups in a quarter).
var nationalForces = []struct {
	name string
	size float64
}{
	{"Bedfordshire", 2600}, {"Cambridgeshire", 3200}, {"Essex", 7400}, {"Hertfordshire", 4300},
	{"Kent", 8900}, {"Norfolk", 3100}, {"Suffolk", 2800}, {"Thames Valley", 8200},
}

// nationalOffences split a force's quarter between offence groups, each
// with one or two offence descriptions, as the Home Office tables do.
var nationalOffences = []struct {
	group, description string
	share              float64
}{
	{"Burglary", "Burglary - residential", 0.16},
	{"Burglary", "Burglary - business and community", 0.06},
	{"Robbery", "Robbery of personal property", 0.04},
	{"Violence against the person", "Assault with injury", 0.34},
	{"Violence against the person", "Assault without injury", 0.40},
}

// WriteNational writes an illustrative national table in the layout of
// the Home Office police recorded crime open data (financial year,
// financial quarter, force, offence description and group, number of
// offences) for eight forces, 2019/20 Q1 to 2021/22 Q4, so that the demo
// can set a force beside others and rank them. The figures are invented:
// each force's own size, a dip in the first lockdown and noise. It
// returns the file's path; read it with the mapping NationalMapping.
func WriteNational(dir string) (string, error) {
	path := filepath.Join(dir, NationalFile)
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,Offence Code,Number of Offences")
	rng := rand.New(rand.NewPCG(6, 2022))
	for fy := 2019; fy <= 2021; fy++ {
		for q := 1; q <= 4; q++ {
			// The first lockdown (April to June 2020) and the winter one
			// (January to March 2021) cut recorded crime, burglary most.
			dip := 1.0
			switch {
			case fy == 2020 && q == 1:
				dip = 0.78
			case fy == 2020 && q == 4:
				dip = 0.86
			}
			for fi, force := range nationalForces {
				trend := 1 + 0.015*float64((fy-2019)*4+q-1)*float64(fi%3-1)
				for _, off := range nationalOffences {
					n := force.size * off.share * dip * trend * (1 + 0.05*rng.NormFloat64())
					fmt.Fprintf(w, "%d/%02d,%d,%s,%s,%s,%s,,%d\n", fy, (fy+1)%100, q, force.name, off.description, off.group, off.group, int(math.Round(n)))
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}
