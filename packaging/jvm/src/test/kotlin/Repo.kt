// Where kis-jvm's tests find the repository's shared files (the policy, the scenario
// files): the `kis.repo` system property that packaging/jvm/pom.xml sets.
import java.io.File

object Repo {
    /** The kis repository's root. */
    val root: File = File(System.getProperty("kis.repo") ?: error("the kis.repo system property is not set (run through Maven)"))

    /** examples/policy.toml, the policy every test runs under. */
    fun policy(): String = File(root, "examples/policy.toml").readText()
}
