# The evaluation names no project it answers.
# severity: Violation
# focus: self-evaluation/d/2024/unit/u/project/p
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:evaluatedProject :table\/d\/2024\/unit\/u\/project\/p . }
