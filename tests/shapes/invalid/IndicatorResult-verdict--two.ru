# A result judged both missed and met.
# severity: Violation
# focus: self-evaluation/d/2024/unit/u/project/p/result/1
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:verdict pk:TargetMet . }
