// OWL API runner for evkg: the OWL 2 DL profile check and the OBO conversion of a release file.
// Compiled and run by evkg/publish/owlapi.py against Debian's libowlapi-java (OWL API 5).
//   java OwlTool check FILE [IRI=FILE ...]   prints axiom counts and every OWL 2 DL profile violation
//   java OwlTool obo FILE OUT                 writes FILE in the OBO flat-file format
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.OBODocumentFormat;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlTool {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Imports resolve only through the mappings given; any other import points to a file that does not
        // exist, so loading fails instead of downloading.
        Map<IRI, IRI> files = new HashMap<>();
        manager.getIRIMappers().set(iri -> files.getOrDefault(
            iri, IRI.create(new File("/nonexistent/evkg-never-downloads/" + iri.toString().replaceAll("[^A-Za-z0-9.-]", "_")))));
        if (args[0].equals("check")) {
            for (int i = 2; i < args.length; i++) {
                String[] pair = args[i].split("=", 2);
                files.put(IRI.create(pair[0]), IRI.create(new File(pair[1])));
            }
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[1]));
            System.out.println("ontologies\t" + ontology.importsClosure().count());
            // Distinct axioms: a declaration repeated in two modules is one axiom of the whole ontology.
            System.out.println("axioms\t" + ontology.axioms(Imports.INCLUDED).distinct().count());
            System.out.println("logical-axioms\t"
                               + ontology.axioms(Imports.INCLUDED).filter(a -> a.isLogicalAxiom()).distinct().count());
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            TreeSet<String> lines = new TreeSet<>();
            for (OWLProfileViolation violation : report.getViolations()) {
                lines.add("violation\t" + violation.getClass().getSimpleName() + "\t"
                          + violation.toString().replace('\n', ' '));
            }
            lines.forEach(System.out::println);
        } else if (args[0].equals("obo")) {
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[1]));
            manager.saveOntology(ontology, new OBODocumentFormat(), IRI.create(new File(args[2])));
        } else {
            System.err.println("usage: OwlTool check FILE [IRI=FILE ...] | OwlTool obo FILE OUT");
            System.exit(2);
        }
    }
}
