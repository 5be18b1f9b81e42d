package scenario

import "strings"

// Boundary conditions of a domain face.
const (
	Reflecting = "reflecting" // zero flux through the face
	Absorbing  = "absorbing"  // P = 0 outside the face
	Periodic   = "periodic"   // the face is glued to the opposite face
)

// Noise models; see Noise.
const (
	White    = "white"
	Matrix   = "matrix"
	SGD      = "sgd"
	SGDLocal = "sgd-local"
	Data     = "data"
)

// PSD maps of Hessian eigenvalues for the sgd models; see Noise.PSD.
const (
	PSDAbs     = "abs"
	PSDSoftAbs = "softabs"
	PSDClip    = "clip"
)

// Conventions of the diffusion term; see Scenario.Convention.
const (
	Ito        = "ito"
	Divergence = "divergence"
)

// Time-stepping schemes; see Time.Scheme.
const (
	BackwardEuler = "backward-euler"
	CrankNicolson = "crank-nicolson"
	BDF2          = "bdf2"
	TRBDF2        = "tr-bdf2"
)

// Linear solvers; see Solver.Linear.
const (
	LinearAuto     = "auto"
	LinearThomas   = "thomas"
	LinearDirect   = "direct"
	LinearBiCGStab = "bicgstab"
	// LinearMultigrid is BiCGSTAB preconditioned by a geometric multigrid
	// V-cycle (2-D and 3-D grids).
	LinearMultigrid = "multigrid"
)

// enum is a set of canonical words with aliases.
type enum struct {
	words   []string          // canonical words, in the order shown to users
	aliases map[string]string // alias → canonical word
}

func (e enum) canonical(w string) (string, bool) {
	w = strings.ToLower(strings.TrimSpace(w))
	for _, c := range e.words {
		if w == c {
			return c, true
		}
	}
	if c, ok := e.aliases[w]; ok {
		return c, true
	}
	return w, false
}

// allowed lists the canonical words as "a | b | c".
func (e enum) allowed() string { return strings.Join(e.words, " | ") }

var (
	boundaryWords = enum{words: []string{Reflecting, Absorbing, Periodic}}
	noiseModels   = enum{
		words:   []string{White, Matrix, SGD, SGDLocal, Data},
		aliases: map[string]string{"sgld": White},
	}
	psdMaps     = enum{words: []string{PSDAbs, PSDSoftAbs, PSDClip}}
	conventions = enum{words: []string{Ito, Divergence}}
	schemes     = enum{
		words: []string{BackwardEuler, CrankNicolson, BDF2, TRBDF2},
		aliases: map[string]string{
			"be": BackwardEuler, "implicit-euler": BackwardEuler,
			"cn": CrankNicolson,
		},
	}
	formats  = enum{words: []string{"png", "svg", "pdf", "csv", "json", "npy", "vtk", "gif"}}
	dynamics = enum{words: []string{"sde", "sgd", "sgld", "minibatch"}}
	linears  = enum{words: []string{LinearAuto, LinearThomas, LinearDirect, LinearBiCGStab, LinearMultigrid}}
)

// CanonicalScheme returns the canonical name of a time-stepping scheme or one
// of its aliases (be, implicit-euler, cn), and whether it is known.
func CanonicalScheme(name string) (string, bool) { return schemes.canonical(name) }

// CanonicalNoiseModel returns the canonical name of a noise model or its
// alias (sgld for white), and whether it is known.
func CanonicalNoiseModel(name string) (string, bool) { return noiseModels.canonical(name) }
