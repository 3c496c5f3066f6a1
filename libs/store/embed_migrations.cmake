# Writes a C++ source holding the SQL migrations as loyalty::pg::Migration constants.
# Inputs: OUTPUT (the .cc), SOURCES (;-separated .sql files named NNNN_name.sql, in order).
set(body "#include \"libs/store/migrations.h\"\n\nnamespace loyalty::store {\nnamespace {\nconst pg::Migration kAll[] = {\n")
foreach(file ${SOURCES})
  get_filename_component(name ${file} NAME)
  string(REGEX MATCH "^[0-9]+" version ${name})
  math(EXPR version "${version}")
  file(READ ${file} sql)
  string(APPEND body "  {${version}, \"${name}\", R\"loyalty_sql(${sql})loyalty_sql\"},\n")
endforeach()
string(APPEND body "};\n}  // namespace\n\nstd::span<const pg::Migration> Migrations() { return kAll; }\n\n}  // namespace loyalty::store\n")
file(WRITE ${OUTPUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
